/** A small valid AsyncAPI 3 document (one message, light.measured) for tests to break in one place. */
export const lightsSpec = `asyncapi: 3.0.0
info:
  title: Lights
  version: 1.0.0
channels:
  measured:
    address: lights.measured
    messages:
      LightMeasured:
        $ref: '#/components/messages/LightMeasured'
components:
  messages:
    LightMeasured:
      name: light.measured
      payload:
        type: object
        properties:
          lumens: { type: integer, minimum: 0 }
`;
