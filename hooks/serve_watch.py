"""`mkdocs serve` watching with the operating system's notifications instead of MkDocs'
polling (used by hooks/briefings.py's on_serve). MkDocs-specific adapter code, kept out of
the event hooks: it reads MkDocs' and watchdog's internals, guarded, and falls back to
MkDocs' own observer."""

from __future__ import annotations

import logging

# Under the "mkdocs" namespace, like the hooks' own messages.
log = logging.getLogger("mkdocs.hooks.briefings")


def use_native_observer(server) -> bool:
    """Have `mkdocs serve` watch with the operating system's notifications (watchdog's
    ``Observer``: inotify on Linux) instead of MkDocs' ``PollingObserver``, which lists the
    watched folders every 0.5 s: an edit is seen at once instead of up to half a second
    later, and an idle server costs nothing however large the archive (a listing of the
    folders costs some 170 ms of processor time at 10,000 articles, twice a second).

    MkDocs 1.6 (final; ProperDocs continues it unchanged) makes its observer in
    ``LiveReloadServer.__init__`` and schedules every watch (docs_dir, mkdocs.yml, the
    theme, ours) on it before ``serve()`` starts it. Here each watch is scheduled again,
    with its own handler, on a native observer, which is started at once (so that a
    failure to watch, such as the system's inotify limit, is met here) and put in the
    polling one's place; ``serve()`` starting it again does nothing. This reads MkDocs'
    and watchdog's internals (``server.observer``, ``server._watch_refs``, the observer's
    ``_handlers``): if they are not as expected, or the native observer cannot start, the
    server keeps MkDocs' own observer (a debug line says why). Returns True when the
    native observer took over."""
    try:
        from watchdog import events
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        # what a change is: not a read (inotify reports every open and close, and the
        # build reads the watched files), the changes a polling observer sees
        changes = [events.FileCreatedEvent, events.FileModifiedEvent, events.FileDeletedEvent,
                   events.FileMovedEvent, events.FileClosedEvent, events.DirCreatedEvent,
                   events.DirDeletedEvent, events.DirMovedEvent]
    except (ImportError, AttributeError) as exc:
        log.debug("Watching with MkDocs' polling observer: %s", exc)
        return False
    old = getattr(server, "observer", None)
    refs = getattr(server, "_watch_refs", None)
    handlers = getattr(old, "_handlers", None)
    if not refs or not isinstance(refs, dict) or not isinstance(handlers, dict) or not hasattr(old, "is_alive"):
        log.debug("Watching with MkDocs' polling observer: its server is not as MkDocs 1.6 makes it")
        return False
    if isinstance(Observer, type) and issubclass(Observer, PollingObserver):
        return False  # no native observer on this system: polling it is
    if old.is_alive():
        log.debug("Watching with MkDocs' polling observer: it is running already")
        return False
    plan = []
    for path, watch in refs.items():
        owned = list(handlers.get(watch, ()))
        if not owned:
            log.debug("Watching with MkDocs' polling observer: no handler for %s", path)
            return False
        plan.append((path, getattr(watch, "is_recursive", True), owned))

    new = None
    moved = {}
    try:
        new = _started_once(Observer)()
        for path, recursive, owned in plan:
            for handler in owned:
                moved[path] = new.schedule(_FolderChanges(handler), path, recursive=recursive, event_filter=changes)
        new.start()
    except Exception as exc:  # OSError from inotify (its limits), or watchdog changed
        log.debug("Watching with MkDocs' polling observer: the native one failed: %s", exc)
        try:
            if new is not None:
                new.stop()
        except Exception:
            pass
        return False
    refs.update(moved)  # server.unwatch() unschedules from the new observer
    server.observer = new
    log.debug("Watching with %s instead of polling", type(new).__mro__[1].__name__)
    return True


class _FolderChanges:
    """MkDocs' handler of a watch, which ignores folders' events, told of a folder created,
    deleted or moved too (as its files' event): moving a folder of articles out of the
    watched one is one event of the folder's to inotify, where polling sees each file go."""

    def __init__(self, handler) -> None:
        from watchdog import events

        self.handler = handler
        self.as_file = {"created": events.FileCreatedEvent, "deleted": events.FileDeletedEvent,
                        "moved": events.FileMovedEvent}

    def dispatch(self, event) -> None:
        if event.is_directory and event.event_type in self.as_file:
            event = self.as_file[event.event_type](event.src_path, event.dest_path)
        self.handler.dispatch(event)


def _started_once(observer_class: type) -> type:
    """The observer class, started by use_native_observer: ``LiveReloadServer.serve()``
    starting it again does nothing."""

    class StartedObserver(observer_class):  # type: ignore[misc, valid-type]
        def start(self) -> None:
            if not self.is_alive():
                super().start()

    return StartedObserver
