/** Dead letters per stream: why each died, its deliveries and headers, and replaying one or many after a confirmation. */
import { useRef, useState } from "preact/hooks";
import type { DeadLetterStreamView, DeadLetterView, ReplayOutcome } from "../../studio-data.js";
import { postJson } from "../api.js";
import { usePolling } from "../polling.js";
import { TableHead } from "../table-head.js";

interface Pending {
  readonly stream: string;
  readonly seqs: readonly number[];
}

/** The dead letters page. */
export function DeadLettersPage() {
  const { data, error, refresh } = usePolling<{ streams: DeadLetterStreamView[] }>("./api/dead-letters", 3000);
  const [selected, setSelected] = useState<ReadonlyMap<string, ReadonlySet<number>>>(new Map());
  const [pending, setPending] = useState<Pending>();
  const [outcome, setOutcome] = useState<string>();
  const dialog = useRef<HTMLDialogElement>(null);

  const ask = (stream: string, seqs: readonly number[]) => {
    setPending({ stream, seqs });
    dialog.current?.showModal();
  };
  const replay = async () => {
    if (pending === undefined) return;
    dialog.current?.close();
    try {
      const { outcomes } = await postJson<{ outcomes: ReplayOutcome[] }>("./api/dead-letters/replay", { ...pending, confirmed: true });
      setOutcome(outcomes.map((result) => (result.error === undefined ? `Replayed ${pending.stream} #${result.seq} as stream sequence ${result.republishedAs}.` : `${pending.stream} #${result.seq} was not replayed: ${result.error}`)).join(" "));
    } catch (failure) {
      setOutcome(`Nothing replayed: ${(failure as Error).message}`);
    }
    setSelected(new Map());
    setPending(undefined);
    await refresh();
  };
  const toggle = (stream: string, seq: number) => {
    const next = new Set(selected.get(stream));
    if (next.has(seq)) next.delete(seq);
    else next.add(seq);
    setSelected(new Map([...selected, [stream, next]]));
  };

  return (
    <div class="dead-letters">
      <h1>Dead letters</h1>
      <p role="status">{outcome ?? ""}</p>
      {error !== undefined && <p role="alert">Cannot read the dead letters: {error}</p>}
      {data?.streams.map((stream) => {
        const chosen = [...(selected.get(stream.stream) ?? [])];
        return (
          <section key={stream.stream} aria-labelledby={`dlq-${stream.stream}`}>
            <h2 id={`dlq-${stream.stream}`}>
              {stream.stream} <small>{stream.letters.length} dead letters</small>
            </h2>
            {stream.error !== undefined && <p role="alert">Cannot read {stream.stream}: {stream.error}</p>}
            {stream.letters.length > 0 && (
              <>
                <button type="button" disabled={chosen.length === 0} onClick={() => ask(stream.stream, chosen)}>
                  Replay selected ({chosen.length})
                </button>
                <table>
                  <caption>Dead letters of {stream.stream}, oldest first</caption>
                  <TableHead columns={["Select", "#", "Event", "From", "Consumer", "Deliveries", "Reason", "Actions"]} />
                  <tbody>
                    {stream.letters.map((letter) => (
                      <Row key={letter.seq} letter={letter} checked={selected.get(stream.stream)?.has(letter.seq) === true} onToggle={() => toggle(stream.stream, letter.seq)} onReplay={() => ask(stream.stream, [letter.seq])} />
                    ))}
                  </tbody>
                </table>
              </>
            )}
          </section>
        );
      })}
      <dialog ref={dialog} aria-labelledby="replay-heading" onClose={() => setPending(undefined)}>
        <h2 id="replay-heading">Replay {pending?.seqs.length ?? 0} dead letter{pending?.seqs.length === 1 ? "" : "s"}?</h2>
        <p>
          {pending?.seqs.map((seq) => `${pending.stream} #${seq}`).join(", ")} will be republished to {pending?.seqs.length === 1 ? "its subject" : "their subjects"}, where consumers receive {pending?.seqs.length === 1 ? "it" : "them"} again, and removed from {pending?.stream}.
        </p>
        <form method="dialog" class="actions">
          <button type="button" onClick={() => void replay()}>
            Replay
          </button>
          <button value="cancel">Cancel</button>
        </form>
      </dialog>
    </div>
  );
}

function Row({ letter, checked, onToggle, onReplay }: { letter: DeadLetterView; checked: boolean; onToggle: () => void; onReplay: () => void }) {
  return (
    <tr>
      <td>
        <input type="checkbox" aria-label={`Select dead letter #${letter.seq}`} checked={checked} onChange={onToggle} />
      </td>
      <td>{letter.seq}</td>
      <td>
        {letter.type ?? "?"} v{letter.version ?? "?"}
        <br />
        <small>{letter.eventId ?? ""}</small>
      </td>
      <td>
        {letter.stream} #{letter.streamSeq}
        <br />
        <code>{letter.subject}</code>
      </td>
      <td>{letter.consumer}</td>
      <td>{letter.deliveries}</td>
      <td>
        {letter.error}: {letter.reason}
        {letter.poison && <strong> (poison: never retried)</strong>}
        <details>
          <summary>Headers and payload</summary>
          <dl>
            {Object.entries(letter.headers).map(([name, value]) => (
              <>
                <dt key={`${name} name`}>{name}</dt>
                <dd key={`${name} value`}>{value}</dd>
              </>
            ))}
          </dl>
          <pre>{letter.payload}</pre>
        </details>
      </td>
      <td>
        <button type="button" aria-label={`Replay dead letter #${letter.seq}`} onClick={onReplay}>
          Replay
        </button>
      </td>
    </tr>
  );
}
