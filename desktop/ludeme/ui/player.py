"""A player for one version: the sandboxed game view with restart, pause, mute and a stop overlay."""
from __future__ import annotations

import json

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineScript
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication, QLabel, QSizePolicy, QToolBar, QVBoxLayout, QWidget

from ludeme.runtime.policy import injected_script
from ludeme.runtime.sandbox import SandboxPage, SandboxProfile
from ludeme.ui.theme import glyph_icon

SEED_SCRIPT = "ludeme-seeded-random"
MODIFIER_HOLD_MS = 250  # a bare Ctrl/Alt/Meta waits this long to see whether it starts a studio shortcut
MIN_ZOOM = 0.25  # a game is never zoomed out further than this to fit its pane
# The document's content size and the pane's, in CSS px (scroll* exceed client* when it overflows)
_SIZE_JS = ("(() => { const d = document.documentElement; if (!d) return ''; const b = document.body;"
            " return JSON.stringify([Math.max(d.scrollWidth, b ? b.scrollWidth : 0),"
            " Math.max(d.scrollHeight, b ? b.scrollHeight : 0), d.clientWidth, d.clientHeight]); })()")
WORDS_FROM_PX = 560  # a player at least this wide names its actions beside their icons


_KEYS = {
    "Space": (Qt.Key.Key_Space, " "), "Enter": (Qt.Key.Key_Return, "\r"),
    "ArrowLeft": (Qt.Key.Key_Left, ""), "ArrowRight": (Qt.Key.Key_Right, ""),
    "ArrowUp": (Qt.Key.Key_Up, ""), "ArrowDown": (Qt.Key.Key_Down, ""),
    "KeyR": (Qt.Key.Key_R, "r"), "KeyX": (Qt.Key.Key_X, "x"), "KeyZ": (Qt.Key.Key_Z, "z"),
    "KeyW": (Qt.Key.Key_W, "w"), "KeyA": (Qt.Key.Key_A, "a"), "KeyS": (Qt.Key.Key_S, "s"),
    "KeyD": (Qt.Key.Key_D, "d"), "KeyU": (Qt.Key.Key_U, "u"), "Shift": (Qt.Key.Key_Shift, ""),
}


class GamePlayer(QWidget):
    """Plays one version at a time. Reusable: the studio, compare view and tests use it alone."""

    game_loaded = Signal(bool)
    game_painted = Signal()  # the game has drawn frames (telemetry or canvas activity seen)
    game_stopped = Signal(str)
    keys_returned = Signal()  # Esc in the game: the studio takes the keyboard back
    keys_in_game = Signal(bool)  # the game has (True) or has lost (False) the keyboard

    def __init__(self, sandbox: SandboxProfile, parent=None) -> None:
        super().__init__(parent)
        self.sandbox = sandbox
        self.version_id: str | None = None
        self.seed: int | None = None  # None: the game's own Math.random; else a seeded stream
        self.view = QWebEngineView(self)
        self.page = None
        self._new_page()
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.view.setMinimumSize(QSize(240, 180))  # the game scales to fit; a 1024 px window still has room
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)

        from superqt import QElidingLabel

        self.title = QElidingLabel("No game selected")  # elided ("Brick Bl…") when the actions need the room
        self.title.setObjectName("PanelTitle")
        self.title.setMinimumWidth(40)
        self.toolbar = QToolBar(self)
        self.toolbar.setIconSize(QSize(16, 16))
        self.toolbar.addWidget(self.title)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        # Which has the keys, the game or the studio: a click into the game (or Enter / Play) gives
        # them to the game; Esc gives them back.
        self.keys_label = QLabel()  # a strip under the game (the toolbar keeps its room for actions)
        self.keys_label.setObjectName("Muted")
        self.keys_label.setMinimumWidth(1)
        self.keys_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.keys_label.setContentsMargins(0, 2, 0, 2)
        self.restart_action = self._action("Restart", "Ctrl+R", self.restart, "Reload the game from the start")
        self.pause_action = self._action("Pause", "Ctrl+P", self.toggle_pause, "Freeze or resume the game")
        self.pause_action.setCheckable(True)
        self.mute_action = self._action("Mute", "Ctrl+M", self.toggle_mute, "Silence the game")
        self.mute_action.setCheckable(True)
        for action, kind in ((self.restart_action, "restart"), (self.pause_action, "pause"),
                             (self.mute_action, "sound")):
            self._set_icon(action, kind)

        self.overlay = QLabel(self.view)
        self.overlay.setObjectName("Overlay")
        self.overlay.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.overlay.setWordWrap(True)
        self.overlay.hide()

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.toolbar)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.keys_label)
        self._paint_poll = QTimer(self)
        self._paint_poll.setInterval(100)
        self._gate = _ModifierGate(self)
        self._natural = None
        self._fit_timer = QTimer(self, singleShot=True, interval=150)
        self._fit_timer.timeout.connect(self._fit_game)
        self._paint_poll.timeout.connect(self._poll_painted)
        self._set_enabled(False)
        self._focus_on_load = False
        self._watched: set[int] = set()
        self.view.installEventFilter(self)
        self._show_keys(False)

    page_replaced = Signal(object)  # the new SandboxPage

    # -- the keyboard: the game's only when asked ------------------------------------------------
    def enter_game(self) -> None:
        """Give the keyboard to the game (a click into it does the same)."""
        self._watch_focus_proxy()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def has_keys(self) -> bool:
        target = self.view.focusProxy() or self.view
        return target.hasFocus()

    def _watch_focus_proxy(self) -> None:
        try:
            proxy = self.view.focusProxy()
        except RuntimeError:  # the view went with its window before this ran
            return
        if proxy is not None and id(proxy) not in self._watched:
            self._watched.add(id(proxy))
            proxy.installEventFilter(self)

    def _show_keys(self, in_game: bool) -> None:
        self.keys_label.setText("⌨ in the game · Esc to leave" if in_game else "click the game to play")
        self.keys_label.setToolTip(("The game has the keyboard: Esc gives it back to the studio" if in_game else
                                    "Click into the game (or press Enter / Play) to give it the keyboard"))
        self.keys_label.setStyleSheet("color: #f2c14e; font-weight: 600" if in_game else "")

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        kind = event.type()
        if kind == QEvent.Type.ChildAdded and obj is self.view:
            QTimer.singleShot(0, self.view, self._watch_focus_proxy)  # the render widget comes with the page
        elif kind == QEvent.Type.FocusIn:
            self._show_keys(True)
            self.keys_in_game.emit(True)
        elif kind == QEvent.Type.FocusOut:
            self._show_keys(False)
            self.keys_in_game.emit(False)
        elif kind == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape and not self.window().isFullScreen():
            self.keys_returned.emit()  # full screen keeps Esc for leaving full screen
            return True
        if kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride, QEvent.Type.FocusOut) \
                and obj is not self.view and self._gate.holds(obj, event):
            return True
        return super().eventFilter(obj, event)

    def _new_page(self) -> None:
        """A fresh page. After its renderer was killed, Chromium loads the next document of the
        same page without the profile's injected scripts (the sandbox shims), so never reuse it."""
        old = self.page
        self.page = SandboxPage(self.sandbox, self.view)
        self.page.loadFinished.connect(self._on_loaded)
        self.page.game_stopped.connect(self._on_stopped)
        self.view.setPage(self.page)
        self._page_dead = False
        self._held_for_dialog = False      # paused by hold_for_dialog, resumed when the dialog closes
        self._install_seed()
        if old is not None:
            old.watchdog.stop()
            old.deleteLater()
            self.page_replaced.emit(self.page)

    def _action(self, text: str, shortcut: str, slot, tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(f"{tip} ({shortcut})")
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        return action

    def _install_seed(self) -> None:
        scripts = self.page.scripts()
        for old in scripts.find(SEED_SCRIPT):
            scripts.remove(old)
        if self.seed is None:
            return
        script = QWebEngineScript()
        script.setName(SEED_SCRIPT)
        script.setSourceCode(injected_script("seeded_random.js").replace("__LUDEME_SEED__", str(self.seed)))
        script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
        script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
        script.setRunsOnSubFrames(True)
        scripts.insert(script)

    def _set_enabled(self, on: bool) -> None:
        for a in (self.restart_action, self.pause_action, self.mute_action):
            a.setEnabled(on)

    # -- public ----------------------------------------------------------------------------
    def play(self, version_id: str, title: str = "", *, focus: bool = False) -> None:
        """Load and run a version; ``focus``: give it the keyboard once it has loaded (Play, Enter,
        a double click), otherwise the keys stay where they are (a click on a tree node)."""
        self._focus_on_load = focus
        self.version_id = version_id
        full = title or version_id
        self.title.setText(full)
        self.title.setToolTip(full)
        self.overlay.hide()
        self.pause_action.setChecked(False)
        self.pause_action.setText("Pause")
        self._set_icon(self.pause_action, "pause")
        self._held_for_dialog = False
        self._painted = False
        self._natural = None  # the game's own size in CSS px, once it is seen not to fit
        if self._page_dead:
            self._new_page()
            self.page.setAudioMuted(self.mute_action.isChecked())
        self.page.setZoomFactor(1.0)
        self.page.setLifecycleState(QWebEnginePage.LifecycleState.Active)
        self.page.load_version(version_id)
        self._set_enabled(True)

    def set_seed(self, seed: int | None) -> None:
        """Seed Math.random and crypto random (this player's pages only) from the next load on;
        two players with the same seed give their games the same random stream. None: unseeded."""
        self.seed = None if seed is None else int(seed) & 0xFFFFFFFF
        self._install_seed()

    def scope_shortcuts(self) -> None:
        """Make Restart/Pause/Mute shortcuts work only while focus is inside this player, so several
        players can share a window (identical window-wide shortcuts would cancel each other)."""
        for a in (self.restart_action, self.pause_action, self.mute_action):
            self.addAction(a)
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def key_target(self) -> QWidget:
        """The widget that receives the game's keyboard input (Chromium's render widget)."""
        return self.view.focusProxy() or self.view

    def send_key_event(self, event: QKeyEvent) -> None:
        """Deliver a copy of a key press/release to the game, as if typed into it."""
        QApplication.sendEvent(self.key_target(), _copy_key(event))

    def stop(self) -> None:
        self._paint_poll.stop()
        self.version_id = None
        self.page.unload()
        self.title.setText("No game selected")
        self._set_enabled(False)

    def restart(self, *, focus: bool | None = None) -> None:
        """From the start again; the keyboard stays where it was unless ``focus`` says."""
        if self.version_id:
            self.play(self.version_id, self.title.toolTip() or self.title.text(),
                      focus=self.has_keys() if focus is None else focus)

    def toggle_pause(self) -> None:
        paused = self.pause_action.isChecked()
        # Frozen stops the page's JS and timers entirely; the game resumes exactly where it was.
        state = QWebEnginePage.LifecycleState.Frozen if paused else QWebEnginePage.LifecycleState.Active
        if paused:
            self.page.watchdog.stop()  # a frozen page does not answer pings, and that is fine
        self.page.setLifecycleState(state)
        if not paused:
            self.page.watchdog.start()
        self.pause_action.setText("Resume" if paused else "Pause")
        self._set_icon(self.pause_action, "play" if paused else "pause")
        if paused:  # say so on the game itself: a frozen picture looks like a hung game
            self.overlay.setText("⏸  Paused\n\nResume (Ctrl+P) to go on where you left off.")
            self._place_overlay()
            self.overlay.show()
        elif not self._page_dead:
            self.overlay.hide()

    def hold_for_dialog(self, blocked: bool) -> None:
        """A modal dialog over the studio: the game waits (paused, and it gets no keys) and goes on
        where it was when the dialog closes. A game the designer paused stays paused."""
        if blocked:
            if self.version_id and not self._page_dead and not self.pause_action.isChecked():
                self.pause_action.setChecked(True)
                self.toggle_pause()
                self._held_for_dialog = True
                self.overlay.setText("⏸  Paused while a dialog is open\n\nIt goes on when you close it.")
        elif self._held_for_dialog:
            self._held_for_dialog = False
            if self.pause_action.isChecked():
                self.pause_action.setChecked(False)
                self.toggle_pause()

    def toggle_mute(self) -> None:
        self.page.setAudioMuted(self.mute_action.isChecked())
        self.mute_action.setText("Unmute" if self.mute_action.isChecked() else "Mute")
        self._set_icon(self.mute_action, "muted" if self.mute_action.isChecked() else "sound")

    def press_key(self, name: str, hold_ms: int = 60) -> None:
        """Send a real (trusted) key press to the game, as a person would."""
        key, text = _KEYS[name]
        target = self.key_target()
        QApplication.sendEvent(target, QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, text))
        QTimer.singleShot(hold_ms, lambda: QApplication.sendEvent(
            target, QKeyEvent(QEvent.Type.KeyRelease, key, Qt.KeyboardModifier.NoModifier, text)))

    @property
    def painted(self) -> bool:
        return self._painted

    # -- internals -------------------------------------------------------------------------
    def _fit_game(self, tries: int = 3) -> None:
        """A game larger than its pane (a fixed 800×600 canvas, a wide grid of divs) is zoomed out
        until it fits, keeping its aspect; zoomed back in (at most to 100 %) as the pane grows. Games
        that size themselves to the window (the kit's do) are never zoomed."""
        try:
            page, vw, vh = self.page, self.view.width(), self.view.height()
        except RuntimeError:  # the view went with its window before the timer fired
            return
        if page is None or self.version_id is None or vw < 20 or vh < 20:
            return

        def measured(text) -> None:
            try:
                sizes = json.loads(text) if isinstance(text, str) and text else None
            except ValueError:
                sizes = None
            if page is not self.page or not isinstance(sizes, list) or len(sizes) != 4:
                return
            sw, sh, cw, ch = (float(x or 0) for x in sizes)
            if cw <= 0 or ch <= 0:
                return
            if sw > cw + 1 or sh > ch + 1:  # it overflows the pane: this is (at least) its own size
                seen = self._natural or (0.0, 0.0)
                self._natural = (max(sw, seen[0]), max(sh, seen[1]))
            if self._natural is None:
                return
            target = max(MIN_ZOOM, min(1.0, vw / self._natural[0], vh / self._natural[1]))
            try:
                if abs(target - page.zoomFactor()) <= 0.01:
                    return
                page.setZoomFactor(target)
            except RuntimeError:  # the page went with its player
                return
            if tries > 0:
                QTimer.singleShot(80, self, lambda: self._fit_game(tries - 1))

        page.runJavaScript(_SIZE_JS, QWebEngineScript.ScriptWorldId.ApplicationWorld, measured)

    def _on_loaded(self, ok: bool) -> None:
        if self.version_id is None:
            return
        self.game_loaded.emit(ok)
        if ok:
            for delay in (150, 1500):  # at once, and for a game that draws its board a little later
                QTimer.singleShot(delay, self, self._fit_game)
            self._watch_focus_proxy()
            if self._focus_on_load:
                self.enter_game()
            self._paint_poll.start()

    def _poll_painted(self) -> None:
        # Kit games publish a frame counter; for any other game, look at the pixels (never touch
        # the page's canvas from here: asking it for a 2D context would change the game).
        self.page.run_json("JSON.stringify(window.ludeme && window.ludeme.frame || 0)", self._painted_answer)

    def _painted_answer(self, frame) -> None:
        if self._painted:
            return
        if (isinstance(frame, (int, float)) and frame > 2) or self._view_has_content():
            self._painted = True
            self._paint_poll.stop()
            self.game_painted.emit()

    def _view_has_content(self) -> bool:
        image = self.view.grab().toImage()  # keep the QImage alive while its pixels are read
        if image.isNull() or image.width() < 4:
            return False
        first = image.pixel(1, 1)
        step_x, step_y = max(1, image.width() // 24), max(1, image.height() // 24)
        return any(image.pixel(x, y) != first
                   for y in range(0, image.height(), step_y) for x in range(0, image.width(), step_x))

    def _on_stopped(self, reason: str) -> None:
        self._paint_poll.stop()
        self._page_dead = True
        self.overlay.setText(f"⏹  {reason}.\n\nPress Restart (Ctrl+R) to try again.")
        self._place_overlay()
        self.overlay.show()
        self.game_stopped.emit(reason)

    def _place_overlay(self) -> None:
        w = min(460, self.view.width() - 40)
        self.overlay.setFixedWidth(max(200, w))
        self.overlay.adjustSize()
        self.overlay.move((self.view.width() - self.overlay.width()) // 2,
                          (self.view.height() - self.overlay.height()) // 2)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.overlay.isVisible():
            self._place_overlay()
        # A narrow pane shows the actions as icons (names in their tooltips) so that the game's title
        # keeps its room; a wide one names them too.
        style = (Qt.ToolButtonStyle.ToolButtonTextBesideIcon if self.width() >= WORDS_FROM_PX
                 else Qt.ToolButtonStyle.ToolButtonIconOnly)
        if self.toolbar.toolButtonStyle() != style:
            self.toolbar.setToolButtonStyle(style)
        if hasattr(self, "_fit_timer"):
            self._fit_timer.start()

    def _set_icon(self, action: QAction, kind: str) -> None:
        action.setIcon(glyph_icon(kind))

    def restyle(self) -> None:
        """A new theme: the action icons in its text colour."""
        self._set_icon(self.restart_action, "restart")
        self._set_icon(self.pause_action, "play" if self.pause_action.isChecked() else "pause")
        self._set_icon(self.mute_action, "muted" if self.mute_action.isChecked() else "sound")


def _copy_key(event: QKeyEvent) -> QKeyEvent:
    return QKeyEvent(event.type(), event.key(), event.modifiers(), event.nativeScanCode(), event.nativeVirtualKey(),
                     event.nativeModifiers(), event.text(), event.isAutoRepeat(), event.count())


class _ModifierGate(QObject):
    """A bare Ctrl, Alt or Meta press on its way to the game is held back for a moment. When it
    starts a studio shortcut (Ctrl+P, Ctrl+, …) the game never sees it, so a "press any key" game does
    not start just before a dialog opens over it. A tap, a combination the game takes, or a modifier
    held down (a fire button) reach the game as typed; a held one MODIFIER_HOLD_MS late."""

    MODIFIERS = frozenset({Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr})

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.held: QKeyEvent | None = None
        self.target = None
        self.combined = False  # a key was pressed with it and went to a shortcut check
        self._replaying = False
        self._dropped = None
        self._timer = QTimer(self, singleShot=True, interval=MODIFIER_HOLD_MS)
        self._timer.timeout.connect(lambda: None if self.combined else self._release())

    def holds(self, obj, event) -> bool:
        """True when ``event`` is held back (or dropped) instead of going to the game now."""
        if self._replaying:
            return False
        kind = event.type()
        if kind == QEvent.Type.FocusOut:
            self._drop()
            return False
        if kind == QEvent.Type.ShortcutOverride:
            if self.held is not None and event.key() not in self.MODIFIERS:
                self.combined = True
            return False
        key = event.key()
        if kind == QEvent.Type.KeyPress and key in self.MODIFIERS:
            if self.held is not None and key == self.held.key():  # its auto-repeat
                return True
            if self.held is None and not event.isAutoRepeat():
                self.held, self.target, self.combined = _copy_key(event), obj, False
                self._timer.start()
                return True
            return False
        if self.held is None:
            if kind == QEvent.Type.KeyRelease and key == self._dropped:  # the end of a shortcut's modifier
                self._dropped = None
                return True
            return False
        if kind == QEvent.Type.KeyPress:  # no shortcut took it: the game gets the modifier, then this key
            self._release()
            return False
        if kind == QEvent.Type.KeyRelease:
            if key == self.held.key():
                if self.combined:  # it was the start of a studio shortcut: the game never saw it
                    self._drop()
                    self._dropped = key  # (a second release of it, if one comes, is dropped too)
                    return True
                self._release()  # a tap: the press, then this release
                return False
            return self.combined  # the release of a shortcut's key
        return False

    def _release(self) -> None:
        event, target = self.held, self.target
        self._drop()
        if event is None or target is None:
            return
        self._replaying = True
        try:
            QApplication.sendEvent(target, event)
        except RuntimeError:  # the render widget went with its page
            pass
        finally:
            self._replaying = False

    def _drop(self) -> None:
        self.held, self.combined = None, False
        self._timer.stop()
        self._dropped = None
