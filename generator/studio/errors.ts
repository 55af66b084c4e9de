/** The studio's errors. */
import { ContractError } from "@evc/runtime/errors";

/** Thrown when the studio would listen where others can reach it without being told to. */
export class StudioBindError extends ContractError {
  readonly host: string;

  constructor(host: string) {
    super(`the studio listens on loopback addresses only (127.0.0.1, ::1, localhost), not "${host}"; pass --host ${host} to let other machines reach it`);
    this.name = "StudioBindError";
    this.host = host;
  }
}

/** Thrown when the page was not built, so there is nothing to serve. */
export class StudioAssetsError extends ContractError {
  constructor(folder: string) {
    super(`the studio's page is not built (no ${folder}/index.html): run \`npm run build\` in the tool package (generator/) first`);
    this.name = "StudioAssetsError";
  }
}
