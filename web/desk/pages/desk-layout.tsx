// The shell of every signed-in desk page: the shared layout with the desk's
// navigation (Inbox, Dashboard) and the agent as the viewer.
import Html from '@kitajs/html';
import { Layout, type Section } from '../../views/layout.tsx';
import type { DeskPageContext } from '../context.ts';

export function DeskLayout(props: { page: DeskPageContext; title: string; section?: Section; children?: Html.Children }): JSX.Element {
  const { page } = props;
  return (
    <Layout
      chrome={page.chrome}
      title={props.title}
      csrfToken={page.csrfToken}
      viewer={{ name: page.agent.name, email: page.agent.email }}
      section={props.section}
      area="desk"
    >
      {props.children}
    </Layout>
  );
}
