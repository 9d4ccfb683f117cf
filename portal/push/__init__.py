"""Real-time push, a platform service: notify the audience of a shared item (its
visibility keys) of an event, over WebSockets, for any content type that registers."""
