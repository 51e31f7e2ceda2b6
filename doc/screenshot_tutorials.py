"""Pictures of the tutorials as Orange's canvas shows them, taken offscreen.

    python doc/screenshot_tutorials.py

writes doc/images/tutorial-<n>.png for every tutorial; the README shows the
first. The widgets are not created, so nothing is trained.
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from orangecontrib.recurrent.demo import save_canvas_picture  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tools.build_tutorials import HERE, TUTORIALS  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "images")
SIZES = {1: (1100, 420), 2: (1180, 680), 3: (1100, 480)}


def main():
    for number, name in enumerate(TUTORIALS, start=1):
        png = os.path.join(OUT, f"tutorial-{number}.png")
        if not save_canvas_picture(os.path.join(HERE, name), png,
                                   SIZES.get(number, (1180, 640))):
            sys.exit(f"could not load {name}")
        print(f"wrote {png}")


if __name__ == "__main__":
    main()
