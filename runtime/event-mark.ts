/**
 * The key of the mark every generated event class declares, `declare readonly [$evc.eventMark]:
 * true`: a field of its type only, never set at run time. `EventInstance` requires it, so that
 * `publish`, the event store and aggregates take generated events, and refuse at compile time any
 * other object with a `toJSON` method (a `Date`, an event's JSON with one added).
 * @private
 */
export const eventMark: unique symbol = Symbol("evc.eventMark");
