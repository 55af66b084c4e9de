/**
 * Keys of JetStream key-value buckets built from ids the runtime does not control (aggregate ids,
 * saga instance ids). A KV key token holds only letters, digits, `-`, `_`, `/` and `=`; an id made
 * of letters, digits, `-` and `_` is used as it is, any other id is written `=` + its base64url
 * form, so two ids never share a key.
 */

import { checkId } from "./identifiers.js";

const plain = /^[-\w]+$/;

/**
 * The KV key token of an id: the id itself when it is plain, else `=` and its base64url form;
 * throws `ArgumentError` naming `argument` for an id `identifiers.ts` refuses.
 */
export function kvKeyToken(id: string, argument = "id"): string {
  checkId(argument, id, "kv-key");
  return plain.test(id) ? id : `=${Buffer.from(id, "utf8").toString("base64url")}`;
}
