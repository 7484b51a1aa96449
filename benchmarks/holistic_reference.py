"""Reference for the pipeline benchmark: MediaPipe Holistic (legacy, mediapipe 0.10.21) alone.

Run by `pipeline_bench.py` with the interpreter of a separate reference venv (`make bench`
creates `.venv-holistic/`), because the app itself runs on a mediapipe without Holistic.
Standalone on purpose (OpenCV + mediapipe only): prints one JSON line {"fps", "frames", "mediapipe"}.

    .venv-holistic/bin/python benchmarks/holistic_reference.py VIDEO...
"""

import json
import os
import sys
import time

os.environ.setdefault("GLOG_minloglevel", "2")

import cv2  # noqa: E402
import mediapipe as mp  # noqa: E402


def main(videos: list[str]) -> int:
    frames = []
    for v in videos:  # decoded into memory first: decoding is not measured
        cap = cv2.VideoCapture(v)
        ok, img = cap.read()
        while ok:
            frames.append(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
            ok, img = cap.read()
        cap.release()
    if not frames:
        print(json.dumps({"error": "no frames decoded"}))
        return 1
    with mp.solutions.holistic.Holistic(static_image_mode=False, model_complexity=1, smooth_landmarks=True,
                                        refine_face_landmarks=False) as h:
        h.process(frames[0])  # start-up outside the timing, as for the pipeline
        t = time.perf_counter()
        for f in frames:
            h.process(f)
        fps = len(frames) / (time.perf_counter() - t)
    print(json.dumps({"fps": fps, "frames": len(frames), "mediapipe": mp.__version__}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
