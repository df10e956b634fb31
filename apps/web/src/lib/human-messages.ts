import type { Issue, Workflow } from './engine'
import { settingTitle } from './setting-title'
import { specById } from './specs'

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const quoted = (label: string) => `“${label}”`

/** "Braze attributes › plan": a config path (`attributes.plan`) as the form titles it. */
export function settingPath(path: string): string {
  const [field, ...rest] = path.split('.')
  return quoted([settingTitle(field), ...rest].join(' › '))
}

/**
 * An issue's message for people: steps named by their label, settings by their title. The
 * engine's message stays as it is (it is what the CLI prints, and names ids so a file can be
 * fixed by hand); this is the text beside it in the editor.
 */
export function humanMessage(
  issue: Pick<Issue, 'message' | 'code'>,
  graph: Pick<Workflow, 'nodes' | 'edges'>,
): string {
  const labels = new Map(graph.nodes.map((n) => [n.id, n.label.trim() || 'Untitled step']))
  const name = (id: string) => quoted(labels.get(id) ?? id)
  let text = issue.message
  // `n4 ("Call type?")`, the engine's own "id (label)" form: the label alone.
  text = text.replace(/\b([\w-]+) \("((?:[^"\\]|\\.)*)"\)/g, (whole, id: string, label: string) =>
    labels.has(id) ? quoted(JSON.parse(`"${label}"`) as string) : whole,
  )
  // Edges are named by the steps they join.
  const edgeIds = graph.edges.map((e) => e.id).sort((a, b) => b.length - a.length)
  if (edgeIds.length > 0) {
    const byId = new Map(graph.edges.map((e) => [e.id, e]))
    const edgeRe = new RegExp(`\\b(edges? )?(${edgeIds.map(escapeRegExp).join('|')})(?![\\w#>-])`, 'g')
    text = text.replace(edgeRe, (_w, word: string | undefined, id: string) => {
      const e = byId.get(id)!
      return `${word ? 'the connection ' : ''}${name(e.source)} → ${name(e.target)}`
    })
  }
  // The setting a message is about, by its title.
  text = text.replace(/\bconfig\.([\w$.-]+)/g, (_w, path: string) => settingPath(path))
  if (issue.code === 'expression-invalid')
    text = text.replace(
      /^(\S+): ([\w$.-]+) (does not compile|has a bad)/,
      (_w, id: string, path: string, rest: string) => `${id}: ${settingPath(path)} ${rest}`,
    )
  // Remaining bare ids (`n4 (decision): …`, `decision n4 has …`).
  const nodeIds = [...labels.keys()].sort((a, b) => b.length - a.length)
  if (nodeIds.length > 0) {
    const nodeRe = new RegExp(
      `(?<![\\w.$“])(?:node |decision )?(${nodeIds.map(escapeRegExp).join('|')})(?![\\w$.”])`,
      'g',
    )
    text = text.replace(nodeRe, (_w, id: string) => name(id))
  }
  // "“Wait” (wait)": the type by its title.
  text = text.replace(/(” )\(([\w-]+)\)/g, (whole, lead: string, type: string) => {
    const spec = specById.get(type)
    return spec ? `${lead}(${spec.title})` : whole
  })
  return text.charAt(0).toUpperCase() + text.slice(1)
}
