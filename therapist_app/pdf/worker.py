"""PDF layout in a worker process, with a time limit.

One worker per app process, started on first use and kept: WeasyPrint is imported once, and each
document costs only its layout. A document that runs past the limit has its worker killed (a
thread cannot be stopped; a process can) and the next one gets a fresh worker. Batches use a pool
of their own (render_many), one worker per core.
"""
import atexit
import multiprocessing
import threading
from multiprocessing.pool import Pool

from .render import pdf_from_html

# forkserver, not fork: the web process has threads and open database connections, and a worker
# forked from it would inherit both. Forkserver workers start clean.
_CONTEXT = multiprocessing.get_context("forkserver")
_lock = threading.Lock()
_pool: Pool | None = None


class RenderTimeout(RuntimeError):
    """A document took longer than the time limit to lay out; its worker was stopped."""


def _worker_pool() -> Pool:
    global _pool
    if _pool is None:
        _pool = _CONTEXT.Pool(processes=1, maxtasksperchild=200)
    return _pool


def _discard_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.terminate()
        _pool = None


atexit.register(_discard_pool)  # a clean exit, not a pool torn down half-way through interpreter shutdown


def render_with_time_limit(html: str, seconds: float) -> bytes:
    """The PDF of this HTML, laid out in the worker; RenderTimeout past `seconds`. One document at a
    time per app process, as a sync worker serves one request at a time anyway."""
    with _lock:
        pending = _worker_pool().apply_async(pdf_from_html, (html,))
        try:
            return pending.get(timeout=seconds)
        except multiprocessing.TimeoutError:
            _discard_pool()
            raise RenderTimeout(f"the document took longer than {seconds:g} s to lay out") from None


def render_many(htmls: list[str], processes: int, on_done=None) -> list[bytes | None]:
    """Lays out many documents on `processes` cores; None for any that failed. `on_done` is called
    once per finished document (a progress bar). No more processes than documents, and none for none:
    each one starts by importing WeasyPrint (about 0.4 s of a core)."""
    results: list[bytes | None] = [None] * len(htmls)
    if not htmls:
        return results
    with _CONTEXT.Pool(processes=min(processes, len(htmls))) as pool:
        pending = [pool.apply_async(pdf_from_html, (html,)) for html in htmls]
        for index, job in enumerate(pending):
            try:
                results[index] = job.get()
            except Exception:  # noqa: BLE001 - one broken document must not stop the batch
                results[index] = None
            if on_done:
                on_done()
    return results
