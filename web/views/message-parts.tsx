// Parts of a message that the portal and the desk show alike: the articles
// the bot cited, and the files attached.
import Html from '@kitajs/html';
import { formatSize } from './format.ts';

export function Citations(props: { citations: { title: string; url: string }[]; title: string; newTab?: boolean }): JSX.Element {
  if (props.citations.length === 0) return '';
  return (
    <div class="citations">
      <p class="citations-title" safe>
        {props.title}
      </p>
      <ol>
        {props.citations.map((c) => (
          <li>
            <a href={c.url} target={props.newTab ? '_blank' : undefined} rel={props.newTab ? 'noopener' : undefined} safe>
              {c.title}
            </a>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Links to a message's files, at `${base}/<file id>`. */
export function FileList(props: { files: { id: number; filename: string; size: number }[]; base: string }): JSX.Element {
  if (props.files.length === 0) return '';
  return (
    <ul class="files" aria-label="Attached files">
      {props.files.map((f) => (
        <li>
          <a href={`${props.base}/${f.id}`} hx-boost="false" safe>
            {f.filename}
          </a>{' '}
          <span class="muted" safe>{`(${formatSize(f.size)})`}</span>
        </li>
      ))}
    </ul>
  );
}
