/**
 * The live view's connection to the bridge: batches from the WebSocket go into a bounded list
 * (newest first), and the page renders at most once per animation frame however fast they come.
 * While paused, new events wait in a bounded queue and are counted.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { BridgeMessage, LiveFilter, StreamFeed } from "../live-bridge.js";
import type { LiveEvent } from "../live-event.js";

/** How many events the list keeps. */
export const shownLimit = 500;

/** What the live view renders. */
export interface LiveState {
  readonly events: readonly LiveEvent[];
  readonly received: number;
  /** Events the bridge or the pause queue dropped because the page was behind. */
  readonly dropped: number;
  /** Events waiting while paused. */
  readonly waiting: number;
  readonly feeds: readonly StreamFeed[];
  readonly connected: boolean;
}

/** Follow the bridge with a filter; `paused` holds new events back. */
export function useLiveFeed(filter: LiveFilter, paused: boolean): LiveState {
  const [state, setState] = useState<LiveState>({ events: [], received: 0, dropped: 0, waiting: 0, feeds: [], connected: false });
  const buffer = useRef({ events: [] as LiveEvent[], waiting: [] as LiveEvent[], received: 0, dropped: 0, feeds: [] as readonly StreamFeed[], connected: false, frame: 0 });
  const pausedRef = useRef(paused);
  const socketRef = useRef<WebSocket>(undefined);

  const render = () => {
    const current = buffer.current;
    if (current.frame !== 0) return;
    current.frame = requestAnimationFrame(() => {
      current.frame = 0;
      setState({ events: current.events, received: current.received, dropped: current.dropped, waiting: current.waiting.length, feeds: current.feeds, connected: current.connected });
    });
  };

  const take = (events: readonly LiveEvent[]) => {
    const current = buffer.current;
    current.events = [...events].reverse().concat(current.events).slice(0, shownLimit);
  };

  useEffect(() => {
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
    socketRef.current = socket;
    const current = buffer.current;
    socket.onopen = () => {
      current.connected = true;
      socket.send(JSON.stringify(filter));
      render();
    };
    socket.onclose = () => {
      current.connected = false;
      render();
    };
    socket.onmessage = (message) => {
      const data = JSON.parse(String(message.data)) as BridgeMessage;
      if (data.kind === "feeds") current.feeds = data.feeds;
      else {
        current.received += data.events.length;
        current.dropped += data.dropped;
        if (pausedRef.current) {
          current.waiting.push(...data.events);
          const over = current.waiting.length - shownLimit;
          if (over > 0) {
            current.waiting.splice(0, over);
            current.dropped += over;
          }
        } else take(data.events);
      }
      render();
    };
    return () => socket.close();
  }, []);

  useEffect(() => {
    const socket = socketRef.current;
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(filter));
    buffer.current.events = [];
    buffer.current.waiting = [];
    render();
  }, [filter]);

  useEffect(() => {
    pausedRef.current = paused;
    if (!paused) {
      take(buffer.current.waiting);
      buffer.current.waiting = [];
    }
    render();
  }, [paused]);

  return state;
}
