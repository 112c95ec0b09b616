"""Process-wide Qt/Chromium set-up that must happen before the QApplication exists."""
from __future__ import annotations

import os
import sys

GAME_SCHEME = b"game"

# Chromium switches for every Ludeme process that shows games. The renderer's JS heap is bounded
# so a memory bomb costs little; background networking is off because this machine (and a
# designer's laptop on a train) has no business talking to Google.
_FLAGS = (
    "--autoplay-policy=no-user-gesture-required",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--no-pings",
    "--js-flags=--max-old-space-size=512",
    # WebRTC's UDP never passes the request interceptor or the CSP: with no proxy, this disables it.
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    # The network backstop: every connection Chromium makes goes to a proxy that cannot exist
    # (port 0 refuses at once, without a packet leaving the machine), loopback included — Chromium
    # bypasses proxies for loopback unless told not to. Games never need the network (their files
    # come from the game:// handler), and a preconnect hint or anything else that slips past the
    # request interceptor and the CSP opens no socket to anywhere.
    "--proxy-server=http://127.0.0.1:0",
    "--proxy-bypass-list=<-loopback>",
)

_registered = False


def configure_environment(offscreen: bool = False) -> None:
    """Set the environment Chromium reads at start. Call before QApplication."""
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
    wanted = list(_FLAGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        wanted.append("--no-sandbox")  # Chromium refuses to start its own sandbox as root
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    # Headless: the offscreen platform, asked for or chosen because there is no display. A platform
    # the user named (xcb on a real or virtual X server) is a display, whatever the caller prefers.
    headless = platform == "offscreen" or (not platform and (offscreen or (
        sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"))))
    # WebGL games (three.js, PixiJS, Kaboom...) need a GL: without a GPU Chromium may use its CPU
    # renderer (SwiftShader) only when asked, and offscreen it blocklists every GPU path.
    wanted.append("--enable-unsafe-swiftshader")
    if headless:
        wanted.append("--ignore-gpu-blocklist")
    for flag in wanted:
        key = flag.split("=", 1)[0]
        if not any(f.split("=", 1)[0] == key for f in flags):
            flags.append(flag)
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(flags)
    if headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        # Offscreen with a display still in the environment (an evaluation or a worker's job started
        # from a desktop session, or under Xvfb): Qt's offscreen platform then reaches for GLX, and
        # Chromium's GPU process dies on a software X server (SIGTRAP). Headless means no display.
        for name in ("DISPLAY", "WAYLAND_DISPLAY"):
            os.environ.pop(name, None)


def register_schemes() -> None:
    """Register game:// once per process, before the QApplication is created."""
    global _registered
    if _registered:
        return
    from PySide6.QtWebEngineCore import QWebEngineUrlScheme

    scheme = QWebEngineUrlScheme(GAME_SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    # Secure: games get a secure context (AudioWorklet, crypto.subtle) like on https; no local
    # access and no CORS, so one version can never read another's files.
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme)
    QWebEngineUrlScheme.registerScheme(scheme)
    _registered = True
