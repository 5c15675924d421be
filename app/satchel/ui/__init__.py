"""Windows, dialogs and widgets: they show and forward, nothing more."""
