// Base for every objection model: camelCase properties over snake_case
// columns (the knex instance maps them), booleans normalised (SQLite answers
// 0/1), JSON columns parsed on both databases. Models are always queried with
// an explicit knex or transaction (`Ticket.query(trx)`), never a global one.
import { Model } from 'objection';

export class BaseModel extends Model {
  static booleanColumns: string[] = [];

  override $parseDatabaseJson(json: Record<string, any>) {
    const parsed = super.$parseDatabaseJson(json);
    for (const column of (this.constructor as typeof BaseModel).booleanColumns) {
      if (parsed[column] !== undefined && parsed[column] !== null) parsed[column] = Boolean(parsed[column]);
    }
    return parsed;
  }
}
