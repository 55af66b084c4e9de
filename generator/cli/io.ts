import type { Command } from "commander";

/** Where a command writes and what it may read of its process: injected so tests run commands in memory. */
export interface CliIO {
  /** Write to standard output; the text carries its own newlines. */
  readonly stdout: (text: string) => void;
  /** Write to standard error; the text carries its own newlines. */
  readonly stderr: (text: string) => void;
  /** The working directory that relative paths start from. */
  readonly cwd: string;
  /** The environment (`NATS_URL`, ...). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Ask to be told when the person interrupts the process (SIGINT, SIGTERM), to stop cleanly; a
   * process whose command asked for nothing just exits. Absent when nothing can interrupt (tests).
   */
  readonly onInterrupt?: (handler: () => void) => void;
}

/** Exit codes every command uses: 0 done, 1 a finding (stale, invalid, breaking), 2 a failure to run. */
export const ExitCode = { ok: 0, finding: 1, failure: 2 } as const;

/** The exit code a command returns. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A subcommand: configures its `command` (already named and described from `commands/index.ts`,
 * the one place a summary is written) and records its exit code through `done`.
 */
export type CommandRegistration = (command: Command, io: CliIO, done: (code: ExitCodeValue) => void) => void;
