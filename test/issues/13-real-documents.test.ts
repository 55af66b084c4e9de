import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { specWorkspace } from "../helpers/spec-workspace.js";
import { typecheck } from "../helpers/typecheck.js";

const requestReply = `asyncapi: 3.0.0
info: { title: Users, version: 1.0.0 }
channels:
  userRequests:
    address: users.get
    messages:
      getUser:
        name: getUser
        payload: { type: object, properties: { id: { type: string } }, required: [id] }
  userReplies:
    address: users.reply
    messages:
      getUser:
        name: getUser
        payload: { type: object, properties: { name: { type: string } } }
operations:
  getUser:
    action: receive
    channel: { $ref: '#/channels/userRequests' }
    reply:
      channel: { $ref: '#/channels/userReplies' }
`;

const specialKeys = (keys: string) => `asyncapi: 3.0.0
info: { title: Things, version: 1.0.0 }
channels:
  things:
    address: things
    messages:
      thing:
        name: thing
        payload:
          type: object
          properties:
${keys}`;

describe("issue 13 - real documents", () => {
  test("two messages sharing a name get distinct, deterministic, readable types, with a warning; the SDK compiles", async () => {
    using ws = specWorkspace({ "users.yaml": requestReply });
    const first = await ws.evc("generate", "--specs", "users.yaml");
    expect(first.code).toBe(0);
    expect(first.stderr).toBe(
      'users.yaml:13:7: warning: message "getUser" v1 has the name of the message at /channels/userRequests/messages/getUser but another payload; generated as "getUser.userReplies" (class GetUserUserRepliesV1): give it a name of its own to choose another (evc-message-renamed)\n',
    );
    expect(first.stdout).toContain("wrote generated/users/get-user.v1.ts\n");
    expect(first.stdout).toContain("wrote generated/users/get-user-user-replies.v1.ts\n");
    expect(ws.read("generated/users/get-user-user-replies.v1.ts")).toContain("class GetUserUserRepliesV1");
    const again = await ws.evc("generate", "--specs", "users.yaml");
    expect(again.stdout).toMatch(/nothing changed/);
    expect(typecheck([join(ws.dir, "generated/index.ts")])).toEqual([]);
  });

  test("a __proto__ key is refused naming the key and its line; constructor and prototype generate safe code", async () => {
    using refused = specWorkspace({ "things.yaml": specialKeys("            __proto__: { type: string }\n") });
    expect(await refused.evc("generate", "--specs", "things.yaml")).toEqual({
      code: 1,
      stdout: "",
      stderr:
        `things.yaml:12:13: error: key "__proto__" is refused: JavaScript reads it as the object's prototype, not as a property; rename it (evc-prototype-key)\n` +
        "evc: 1 error in the specs; generated left unchanged\n",
    });
    using safe = specWorkspace({ "things.yaml": specialKeys("            constructor: { type: integer }\n            prototype: { type: boolean }\n") });
    expect((await safe.evc("generate", "--specs", "things.yaml")).code).toBe(0);
    expect(typecheck([join(safe.dir, "generated/index.ts")])).toEqual([]);
  });
});
