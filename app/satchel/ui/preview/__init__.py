"""The preview pane and its viewers: images, PDF, text, Markdown, JSON, CSV, facts."""

from satchel.ui.preview.pane import PreviewPage, PreviewPane

__all__ = ["PreviewPage", "PreviewPane"]
