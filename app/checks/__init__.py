"""The finance bureau's review rules (DESIGN.md §7), pure: each a small named function over a
`Document`, so that a live plan, an upload's preview and an approved version are checked by
the same code. May import `app.domain` only."""
