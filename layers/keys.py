"""Date keys pressed on the map go to the page: ←/→ a day, Shift+←/→ a change date, Space plays."""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

#: The keys the page binds to its date buttons (``app.py``); the map would pan on the arrows.
PAGE_KEYS = ("ArrowLeft", "ArrowRight", " ")


class PageKeys(MacroElement):
    """Send the page's date keys from the map's frame to the page that holds the frame.

    The map lives in its own frame: a key pressed after a click on the map reaches the
    frame's document, not the page's shortcuts. For ``PAGE_KEYS`` without Ctrl, Alt or Meta
    the frame stops the event (Leaflet would pan left or right) and dispatches the same key on
    the parent document. Up and down still pan; + and - still zoom.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var keys = {"ArrowLeft": [37, "ArrowLeft"], "ArrowRight": [39, "ArrowRight"],
                        " ": [32, "Space"]};
            document.addEventListener("keydown", function (e) {
                var k = keys[e.key];
                if (!k || e.ctrlKey || e.altKey || e.metaKey || window.parent === window) {
                    return;
                }
                e.preventDefault();
                e.stopPropagation();
                var ev = new KeyboardEvent("keydown", {key: e.key, code: k[1],
                    shiftKey: e.shiftKey, bubbles: true, cancelable: true});
                // the page's shortcut library reads the legacy key codes
                Object.defineProperty(ev, "keyCode", {get: function () { return k[0]; }});
                Object.defineProperty(ev, "which", {get: function () { return k[0]; }});
                try {
                    window.parent.document.dispatchEvent(ev);
                    window.parent.document.dispatchEvent(new KeyboardEvent("keyup", {
                        key: e.key, code: k[1], shiftKey: e.shiftKey, bubbles: true}));
                } catch (err) { /* a page from another origin: keep the key here */ }
            }, true);
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "PageKeys"
