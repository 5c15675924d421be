"""The texts a Linux desktop reads about Satchel: its .desktop entry and AppStream metainfo.

One application id names every file (entry, icon, metainfo) and is the window's desktop
file name, so the shell matches running windows to the menu entry.
"""

from __future__ import annotations

from satchel import __version__

APP_ID = "io.github.satchel.Satchel"
#: The project's public home: the one place to change when it moves. The metainfo's homepage
#: and bug tracker are here, and each release's screenshots are assets of that release
#: (made by tests/screenshots.py, never committed: packaging/README.md says how).
HOMEPAGE = "https://github.com/satchel-desktop/satchel"
SCREENSHOT_BASE = f"{HOMEPAGE}/releases/download/v{__version__}/"
#: The release the metainfo announces; moves with __version__.
RELEASE_DATE = "2026-12-02"
#: "Open with Satchel": the file types file managers offer it for (any file can be attached;
#: these are the ones people attach most).
MIME_TYPES = (
    "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml",
    "text/plain", "text/csv", "text/markdown", "application/json", "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text", "video/mp4", "audio/mpeg",
    "application/octet-stream",
)  # fmt: skip
#: (file name, caption) of each screenshot, in the order software centres show them; the
#: names are those tests/screenshots.py writes.
SCREENSHOTS = (
    ("03-image-preview.png", "Boards, lists, cards and their attachments, with a preview"),
    ("06-transfers.png", "Uploads and downloads in the transfers panel"),
    ("07-card-picker.png", "Choosing the card for files opened with Satchel"),
    ("09-dark-mode.png", "The same window in the system's dark scheme"),
)


def _exec_quote(argument: str) -> str:
    """Desktop Entry spec quoting: double quotes around arguments with reserved characters."""
    if argument and not any(c in argument for c in " \t\n\"'\\><~|&;$*?#()`"):
        return argument
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument)
    return f'"{escaped}"'.replace("\\", "\\\\")


def desktop_entry(launcher: list[str]) -> str:
    """The menu entry; `launcher` is the command that starts this Satchel."""
    command = " ".join(_exec_quote(part) for part in launcher)
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Version=1.4",
            "Name=Satchel",
            "GenericName=Attachment Manager",
            "Comment=The files attached to your boards and cards",
            f"Exec={command} %F",
            f"TryExec={launcher[0]}",
            f"Icon={APP_ID}",
            "Terminal=false",
            "StartupNotify=true",
            f"StartupWMClass={APP_ID}",
            "Categories=Network;FileTransfer;",
            "Keywords=Trello;attachments;boards;cards;upload;download;",
            f"MimeType={';'.join(MIME_TYPES)};",
            "",
        ]
    )


def metainfo() -> str:
    """AppStream metainfo: what software centres show, with the screenshots and release."""
    from xml.sax.saxutils import escape  # here: the window imports APP_ID at start-up

    shots = "\n".join(
        f"""    <screenshot{' type="default"' if n == 0 else ""}>
      <caption>{escape(caption)}</caption>
      <image>{escape(SCREENSHOT_BASE + name)}</image>
    </screenshot>"""
        for n, (name, caption) in enumerate(SCREENSHOTS)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<component type="desktop-application">
  <id>{APP_ID}</id>
  <metadata_license>CC0-1.0</metadata_license>
  <project_license>MIT</project_license>
  <name>Satchel</name>
  <summary>The files attached to your boards and cards</summary>
  <description>
    <p>Satchel puts the attachments of your Trello, Productive and bearer-key boards on
    your desktop: browse them in one tree, preview them, upload by dropping or pasting,
    and share fresh links.</p>
    <ul>
      <li>Previews of images, PDF, text, Markdown, JSON and CSV</li>
      <li>A journalled transfer queue that survives quitting and crashes</li>
      <li>Open files with Satchel from the file manager to attach them to a card</li>
    </ul>
  </description>
  <launchable type="desktop-id">{APP_ID}.desktop</launchable>
  <url type="homepage">{HOMEPAGE}</url>
  <url type="bugtracker">{HOMEPAGE}/issues</url>
  <content_rating type="oars-1.1"/>
  <provides>
    <binary>satchel</binary>
  </provides>
  <categories>
    <category>Network</category>
    <category>FileTransfer</category>
  </categories>
  <screenshots>
{shots}
  </screenshots>
  <releases>
    <release version="{__version__}" date="{RELEASE_DATE}">
      <description>
        <p>The first desktop release: a bundle, a menu entry, one window at a time, and
        opening files with Satchel.</p>
      </description>
    </release>
  </releases>
</component>
"""
