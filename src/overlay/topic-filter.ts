/**
 * ONVIF event topic filters in the ConcreteSet dialect (as Axis event
 * streaming uses them), compiled once per `events:configure`.
 *
 *   tnsaxis:RadarSource/MotionAlarm/Channel1ProfileANY   that topic only
 *   tnsaxis:RadarSource//            the node and its whole subtree
 *   tnsaxis:RadarSource//.           the same (the WS-Topics spelling)
 *   a node written as `*`            matches any one node (an extra borrowed
 *                                    from the Full dialect)
 *   a|b                              either alternative
 *
 * Namespace prefixes are compared as written (`tns1:Device` is not
 * `onvif:Device`); matching is case-sensitive. Pure: no I/O, no state beyond
 * a bounded memo of results per topic.
 */

export class TopicFilterError extends Error {
  override name = 'TopicFilterError'
}

/** Limits on what a client may send (memory and CPU stay bounded). */
export const TOPIC_FILTER_LIMITS = { maxLength: 1024, maxAlternatives: 32, maxSegments: 16 } as const

interface Alternative {
  segments: readonly string[]
  /** Ends with `//` or `//.`: the node and every descendant. */
  subtree: boolean
}

export interface TopicFilter {
  /** The expressions as given. */
  readonly source: readonly string[]
  matches: (topic: string) => boolean
}

// A node name: QName-like, optionally prefixed (`tnsaxis:RadarSource`), or `*`.
const SEGMENT_RE = /^(?:\*|(?:[A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*)$/

function parseAlternative (raw: string, whole: string): Alternative {
  let text = raw.trim()
  let subtree = false
  if (text.endsWith('//.')) { subtree = true; text = text.slice(0, -3) } else if (text.endsWith('//')) { subtree = true; text = text.slice(0, -2) }
  if (text === '') throw new TopicFilterError(`empty topic in filter ${JSON.stringify(whole)}`)
  const segments = text.split('/')
  if (segments.length > TOPIC_FILTER_LIMITS.maxSegments) throw new TopicFilterError(`too many topic levels in ${JSON.stringify(raw)}`)
  for (const s of segments) {
    if (!SEGMENT_RE.test(s)) throw new TopicFilterError(`invalid topic node ${JSON.stringify(s)} in ${JSON.stringify(raw)}`)
  }
  return { segments, subtree }
}

function matchOne (alt: Alternative, parts: readonly string[]): boolean {
  const n = alt.segments.length
  if (parts.length < n || (!alt.subtree && parts.length !== n)) return false
  for (let i = 0; i < n; i++) {
    const s = alt.segments[i]
    if (s !== '*' && s !== parts[i]) return false
  }
  return true
}

const MEMO_MAX = 256

/**
 * Compiles one or more filter expressions (each may hold `|` alternatives);
 * a topic matches when any alternative does. Throws TopicFilterError on a
 * malformed expression. An empty list matches nothing.
 */
export function compileTopicFilter (expressions: readonly string[]): TopicFilter {
  const alternatives: Alternative[] = []
  for (const expr of expressions) {
    if (typeof expr !== 'string') throw new TopicFilterError('a topic filter must be a string')
    if (expr.length > TOPIC_FILTER_LIMITS.maxLength) throw new TopicFilterError(`topic filter longer than ${TOPIC_FILTER_LIMITS.maxLength} characters`)
    const parts = expr.split('|')
    if (alternatives.length + parts.length > TOPIC_FILTER_LIMITS.maxAlternatives) throw new TopicFilterError(`more than ${TOPIC_FILTER_LIMITS.maxAlternatives} topic alternatives`)
    for (const p of parts) alternatives.push(parseAlternative(p, expr))
  }
  // Topics come from a small fixed set: remember each answer (bounded).
  const memo = new Map<string, boolean>()
  return {
    source: [...expressions],
    matches: (topic: string): boolean => {
      const known = memo.get(topic)
      if (known !== undefined) return known
      const parts = topic.split('/')
      const result = alternatives.some((a) => matchOne(a, parts))
      if (memo.size < MEMO_MAX) memo.set(topic, result)
      return result
    }
  }
}
