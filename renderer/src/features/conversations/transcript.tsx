import type { ConversationNote, Message } from '@contract/conversations';
import { useEffect, useLayoutEffect, useRef } from 'react';
import { formatBytes, formatFullInZone, formatPercent, formatShortInZone } from '../../shared/format';
import { deliveryLabel, PROVIDER_LABEL } from './labels';

interface TranscriptProps {
  messages: readonly Message[];
  /** Staff notes, shown in time order among the messages in their own style; never sent to the guest. */
  notes: readonly ConversationNote[];
  timeZone: string;
  /** Below this the AI hands off; replies under it are marked as low confidence. */
  threshold: number;
  /** Knowledge item titles by id, for citations (missing ones show as "an item"). */
  titles: ReadonlyMap<string, string>;
  guestName: string;
  /** Staff names by user id, where the page may know them. */
  staffName: (userId: string | null) => string;
  /** Where a message's file (a guest's voice note, photo, document) is served. */
  mediaUrl: (messageId: string) => string;
}

const ROLE_LABEL: Record<Message['role'], string> = { guest: 'Guest', assistant: 'AI assistant', staff: 'Staff', system: 'System' };

/**
 * The conversation as it happened, oldest first. Sticks to the bottom when new messages arrive
 * while the reader is at the bottom; otherwise leaves the scroll position alone.
 */
/** The file a guest sent: played or shown in place when the browser can, else offered as a download. */
function MessageMedia({ url, media }: { url: string; media: NonNullable<Message['media']> }) {
  const size = formatBytes(media.size);
  if (media.mimeType.startsWith('audio/')) return <audio className="msg-media" controls preload="none" src={url} aria-label={`Recording from the guest, ${size}`} />;
  if (media.mimeType.startsWith('video/')) return <video className="msg-media msg-media--video" controls preload="none" src={url} aria-label={`Video from the guest, ${size}`} />;
  if (/^image\/(jpeg|png|webp|gif)$/.test(media.mimeType)) return <img className="msg-media msg-media--image" src={url} alt="Picture from the guest" loading="lazy" />;
  return (
    <a className="msg-media-file" href={url} download>
      Download the file ({media.mimeType}, {size})
    </a>
  );
}

export function Transcript({ messages, notes, timeZone, threshold, titles, guestName, staffName, mediaUrl }: TranscriptProps) {
  const ref = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);
  const count = messages.length + notes.length;
  // Both lists are oldest first; a note goes after the messages written up to its time.
  const entries: ({ kind: 'message'; m: Message } | { kind: 'note'; n: ConversationNote })[] = [];
  let next = 0;
  for (const m of messages) {
    while (next < notes.length && notes[next]!.createdAt < m.createdAt) entries.push({ kind: 'note', n: notes[next++]! });
    entries.push({ kind: 'message', m });
  }
  while (next < notes.length) entries.push({ kind: 'note', n: notes[next++]! });

  useLayoutEffect(() => {
    const el = ref.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [count]);

  // The header above grows and shrinks (notices, errors); a reader at the bottom stays there.
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [count > 0]);

  const now = new Date();
  if (count === 0) return <p className="muted transcript-empty">No messages yet.</p>;
  return (
    <ol
      ref={ref}
      className="transcript"
      aria-label="Messages"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      {entries.map((entry) => {
        if (entry.kind === 'note') {
          const n = entry.n;
          return (
            <li key={n.id} className="msg msg--note">
              <div className="msg-meta">
                <span className="msg-who">Internal note · {staffName(n.authorId)}</span>
                <time dateTime={n.createdAt} title={formatFullInZone(n.createdAt, timeZone)}>
                  {formatShortInZone(n.createdAt, timeZone, now)}
                </time>
                <span className="note-private">Staff only, not sent to the guest</span>
              </div>
              <p className="msg-body">{n.body}</p>
            </li>
          );
        }
        const m = entry.m;
        const who = m.role === 'guest' ? guestName : m.role === 'staff' ? staffName(m.authorId) : ROLE_LABEL[m.role];
        const delivery = m.role === 'assistant' || m.role === 'staff' ? deliveryLabel(m.deliveryStatus) : null;
        const low = m.role === 'assistant' && m.confidence !== null && m.confidence < threshold;
        return (
          <li key={m.id} className={`msg msg--${m.role}`}>
            <div className="msg-meta">
              <span className="msg-who">{who}</span>
              <time dateTime={m.createdAt} title={formatFullInZone(m.createdAt, timeZone)}>
                {formatShortInZone(m.createdAt, timeZone, now)}
              </time>
              {delivery ? <span className={`delivery delivery--${delivery.tone}`}>{delivery.text}</span> : null}
            </div>
            <p className="msg-body">{m.body}</p>
            {m.media ? <MessageMedia url={mediaUrl(m.id)} media={m.media} /> : null}
            {m.role === 'assistant' ? (
              <div className="msg-ai">
                {m.confidence !== null ? (
                  <span className={low ? 'confidence confidence--low' : 'confidence'}>
                    Confidence {formatPercent(m.confidence)}
                    {low ? ' (below the hand-off threshold)' : ''}
                  </span>
                ) : null}
                {m.provider ? <span className="msg-provider">{PROVIDER_LABEL[m.provider]}</span> : null}
                {m.citedItemIds.length > 0 ? (
                  <span className="citations">
                    Based on:{' '}
                    {m.citedItemIds.map((id, i) => (
                      <span key={id} className="citation">
                        {titles.get(id) ?? 'a knowledge item'}
                        {i < m.citedItemIds.length - 1 ? '; ' : ''}
                      </span>
                    ))}
                  </span>
                ) : m.provider === 'ollama' || m.provider === 'cloud' ? (
                  <span className="citations citations--none">No knowledge cited</span>
                ) : null}
              </div>
            ) : null}
            {m.flags.length > 0 ? (
              <div className="msg-flags">
                {m.flags.map((f) => (
                  <span key={f} className="tag">
                    {f.replace(/_/g, ' ')}
                  </span>
                ))}
              </div>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
