"""The demo attachments' bytes, made on the fly (no binaries in the repository).

Every maker is deterministic, so a file can be made again later with the same size
(the size is recorded when the demo is seeded; the upload may happen on a later start).
"""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

#: "One file of 20 MB or more": big enough to show progress and test ranged reads.
BIG_FILE_SIZE = 24 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class DemoFile:
    name: str
    content_type: str
    make: Callable[[], bytes]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _poster(
    title: str, subtitle: str, hue: tuple[int, int, int], size: tuple[int, int]
) -> Image.Image:
    """A picture with shapes and words, so a preview visibly shows the right file."""
    width, height = size
    image = Image.new("RGB", size, (246, 244, 240))
    draw = ImageDraw.Draw(image)
    for step in range(12):
        shade = tuple(min(255, channel + step * 12) for channel in hue)
        inset = step * min(width, height) // 40
        draw.rectangle((inset, inset, width - inset, height // 2 - inset // 2), fill=shade)
    draw.ellipse((width * 0.62, height * 0.45, width * 0.92, height * 0.45 + width * 0.3), fill=hue)
    draw.polygon(
        [
            (width * 0.08, height * 0.92),
            (width * 0.3, height * 0.55),
            (width * 0.52, height * 0.92),
        ],
        fill=(40, 40, 48),
    )
    draw.text((width * 0.06, height * 0.08), title, fill=(255, 255, 255), font=_font(height // 10))
    draw.text((width * 0.06, height * 0.58), subtitle, fill=(40, 40, 48), font=_font(height // 18))
    return image


def _encoded(image: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def hero_png() -> bytes:
    image = _poster("Homepage hero", "Acme Studio · draft 3", (214, 88, 56), (1280, 720))
    return _encoded(image, "PNG", optimize=True)


def chart_png() -> bytes:
    image = Image.new("RGB", (800, 500), "white")
    draw = ImageDraw.Draw(image)
    draw.text((30, 20), "Yield per run", fill="black", font=_font(32))
    draw.line((60, 440, 760, 440), fill="black", width=3)
    draw.line((60, 440, 60, 80), fill="black", width=3)
    values = [120, 180, 160, 240, 300, 280, 340]
    for index, value in enumerate(values):
        left = 90 + index * 95
        draw.rectangle((left, 440 - value, left + 60, 440), fill=(54, 120, 200))
    return _encoded(image, "PNG", optimize=True)


def mood_jpeg() -> bytes:
    image = _poster("Mood board", "warm, calm, a little bold", (40, 130, 120), (1600, 1200))
    return _encoded(image, "JPEG", quality=85)


def _pdf(title: str, pages: list[tuple[str, str]]) -> bytes:
    """A multi-page PDF of drawn pages (Pillow writes each page as an image)."""
    rendered = []
    for number, (heading, text) in enumerate(pages, start=1):
        page = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi
        draw = ImageDraw.Draw(page)
        draw.rectangle((0, 0, 1240, 160), fill=(30, 60, 110))
        draw.text((80, 50), title, fill="white", font=_font(56))
        draw.text((80, 240), heading, fill="black", font=_font(48))
        for line_number, line in enumerate(text.splitlines()):
            draw.text((80, 340 + line_number * 52), line, fill=(50, 50, 50), font=_font(34))
        draw.rectangle((80, 1200, 1160, 1600), outline=(30, 60, 110), width=6)
        draw.ellipse((500, 1280, 740, 1520), fill=(220, 160, 40))
        draw.text((1060, 1680), f"{number} / {len(pages)}", fill="gray", font=_font(30))
        rendered.append(page)
    buffer = io.BytesIO()
    rendered[0].save(buffer, "PDF", save_all=True, append_images=rendered[1:], resolution=150)
    return buffer.getvalue()


def launch_plan_pdf() -> bytes:
    return _pdf(
        "Launch plan",
        [
            (
                "1. Goals",
                "Ship the new homepage.\nHalve the bounce rate.\nKeep every old URL working.",
            ),
            ("2. Timeline", "Week 1: copy and images\nWeek 2: build\nWeek 3: review and launch"),
            ("3. Risks", "Images late from the studio.\nLegal review of the copy."),
        ],
    )


def quarterly_report_pdf() -> bytes:
    return _pdf(
        "Q3 research report",
        [
            ("Summary", "Seven runs, two promising.\nRun 42 beat the baseline by 18 %."),
            ("Method", "Same rig, same sensors.\nCalibrated before every run."),
            ("Next", "Repeat run 42 three times.\nOrder a second sensor."),
            ("Appendix", "Raw captures are attached to the run cards."),
        ],
    )


def homepage_copy_md() -> bytes:
    return (
        "# Homepage copy\n\n"
        "## Headline\n\nTools that get out of your way.\n\n"
        "## Sub-headline\n\nAcme Studio builds calm software for busy teams.\n\n"
        "- Fast by default\n- Works offline\n- **No** lock-in\n\n"
        "> Draft 3 — waiting for legal.\n"
    ).encode()


def lab_notes_md() -> bytes:
    return (
        b"# Lab notes, run 42\n\n| step | result |\n|------|--------|\n"
        b"| warm-up | ok |\n| capture | 24 MiB |\n| check | passed |\n\n"
        b"Next: repeat with the second sensor.\n"
    )


def overview_txt() -> bytes:
    return (
        "Übersicht – Café\n================\n\n"
        "Öffnungszeiten: Mo–Fr 8–18 Uhr\nSpezialität: Crème brûlée, Flat White\n"
        "Adresse: Straße des 17. Juni 1, Berlin\n"
    ).encode()


def readme_txt() -> bytes:
    return b"Brand assets\n\nUse the logos on light backgrounds only.\nAsk Dana before changes.\n"


def budget_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["item", "owner", "amount_eur"])
    for row in [
        ("Photography", "Dana", 2400),
        ("Copywriting", "Lee", 1800),
        ("Hosting", "Sam", 240),
    ]:
        writer.writerow(row)
    return buffer.getvalue().encode()


def measurements_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["run", "temperature_c", "pressure_kpa", "yield"])
    for run in range(36, 43):
        writer.writerow([run, 20 + run % 5, 101.3 + run / 100, round(0.4 + run / 100, 3)])
    return buffer.getvalue().encode()


def experiment_json() -> bytes:
    config = {
        "run": 42,
        "sensor": {"model": "GX-7", "rate_hz": 2000},
        "steps": ["warm-up", "capture", "check"],
        "notes": "Captured with the new firmware.",
    }
    return json.dumps(config, indent=2).encode()


def site_config_json() -> bytes:
    return json.dumps({"theme": "warm", "locales": ["en", "de"], "beta": True}, indent=2).encode()


def logo_pack_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [
            ("logo-pack/README.txt", readme_txt()),
            ("logo-pack/logo.png", _encoded(_poster("ACME", "", (214, 88, 56), (256, 256)), "PNG")),
            ("logo-pack/colors.csv", b"name,hex\nember,#D65838\nink,#282830\n"),
        ]:
            # A fixed timestamp keeps the archive's bytes (and so its size) the same every time.
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def sensor_capture_bin() -> bytes:
    return random.Random(42).randbytes(BIG_FILE_SIZE)  # noqa: S311 - filler, not a secret


DEMO_FILES: dict[str, DemoFile] = {
    "hero": DemoFile("Homepage hero.png", "image/png", hero_png),
    "mood": DemoFile("Mood board.jpg", "image/jpeg", mood_jpeg),
    "launch-plan": DemoFile("Launch plan.pdf", "application/pdf", launch_plan_pdf),
    "copy": DemoFile("Homepage copy.md", "text/markdown", homepage_copy_md),
    "overview": DemoFile("Übersicht – Café.txt", "text/plain; charset=utf-8", overview_txt),
    "budget": DemoFile("Budget.csv", "text/csv", budget_csv),
    "site-config": DemoFile("site-config.json", "application/json", site_config_json),
    "logo-pack": DemoFile("Logo pack.zip", "application/zip", logo_pack_zip),
    "readme": DemoFile("README.txt", "text/plain", readme_txt),
    "chart": DemoFile("Yield chart.png", "image/png", chart_png),
    "report": DemoFile("Q3 report.pdf", "application/pdf", quarterly_report_pdf),
    "measurements": DemoFile("measurements.csv", "text/csv", measurements_csv),
    "experiment": DemoFile("experiment.json", "application/json", experiment_json),
    "lab-notes": DemoFile("Lab notes.md", "text/markdown", lab_notes_md),
    "capture": DemoFile(
        "Sensor capture (run 42).bin", "application/octet-stream", sensor_capture_bin
    ),
}
