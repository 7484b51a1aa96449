"""Frame sources: camera errors, video files, KArSL frame folders with real time gaps."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from arsl_desktop.core.errors import CameraUnavailable, SourceUnreadable
from arsl_desktop.core.sources import (
    CameraSource,
    FrameFolderSource,
    VideoFileSource,
    frame_number,
    open_source,
)


def _write_frames(folder, numbers, size=(48, 64)):
    folder.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        img = np.full((*size, 3), n % 255, np.uint8)
        cv2.imwrite(str(folder / f"01_01_0071_(x)_c_{n:04d}.jpg"), img)
    return folder


def test_frame_number_parses_karsl_names(tmp_path):
    assert frame_number(tmp_path / "03_01_0071_(01_12_16_15_52_44)_c_0042.jpg") == 42
    assert frame_number(tmp_path / "01_01_0001_(10_11_16_16_20_34)_c_0001.jpg") == 1
    assert frame_number(tmp_path / "cover.jpg") is None


def test_frame_folder_keeps_real_time_gaps(tmp_path):
    folder = _write_frames(tmp_path / "s", [1, 5, 9, 10, 31])
    frames = list(FrameFolderSource(folder))
    assert [round(f.timestamp * 30) for f in frames] == [0, 4, 8, 9, 30]
    assert frames[0].image.shape == (48, 64, 3)
    assert not frames[0].image.flags.writeable


def test_frame_folder_skips_corrupt_frame(tmp_path):
    folder = _write_frames(tmp_path / "s", [1, 2, 3])
    (folder / "01_01_0071_(x)_c_0004.jpg").write_bytes(b"not a jpeg")
    src = FrameFolderSource(folder)
    assert len(list(src)) == 3
    assert [p.name for p in src.skipped] == ["01_01_0071_(x)_c_0004.jpg"]


def test_frame_folder_without_frames_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceUnreadable, match="No numbered frame images"):
        FrameFolderSource(tmp_path / "empty")
    with pytest.raises(SourceUnreadable, match="not found"):
        FrameFolderSource(tmp_path / "missing")


def test_missing_camera_names_its_index():
    with pytest.raises(CameraUnavailable, match="Camera 97"):
        CameraSource(97)
    with pytest.raises(CameraUnavailable):
        open_source("97")


def test_corrupt_and_missing_video(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00" * 1000)
    with pytest.raises(SourceUnreadable, match="damaged"):
        VideoFileSource(bad)
    with pytest.raises(SourceUnreadable, match="not found"):
        open_source(tmp_path / "nothing.mp4")


def test_video_file_roundtrip_and_loop(tmp_path):
    path = tmp_path / "clip.avi"
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (32, 24))
    for i in range(5):
        w.write(np.full((24, 32, 3), i * 40, np.uint8))
    w.release()
    src = VideoFileSource(path)
    frames = list(src)
    assert len(frames) == 5 and src.fps == pytest.approx(25)
    assert [f.timestamp for f in frames] == pytest.approx([0, 0.04, 0.08, 0.12, 0.16])
    looped = VideoFileSource(path, loop=True)
    it = iter(looped)
    assert len([next(it) for _ in range(12)]) == 12


def test_real_karsl_video(dense_video):
    src = open_source(dense_video)
    frames = list(src)
    assert isinstance(src, VideoFileSource) and src.fps == pytest.approx(30)
    assert len(frames) == src.frame_count > 10
    assert frames[0].image.shape == (256, 256, 3)


def test_real_sparse_frame_folder(sparse_sample):
    frames = list(open_source(sparse_sample))
    assert len(frames) == 18
    gaps = np.diff([f.timestamp for f in frames])
    assert gaps.min() >= 1 / 30 - 1e-9 and gaps.max() > 1 / 30  # uneven real-time gaps survive


def test_truncated_jpeg_counts_as_unreadable(tmp_path):
    """OpenCV decodes a cut-off JPEG without complaint (the rest comes out grey): skipped instead."""
    folder = _write_frames(tmp_path / "s", [1, 2, 3])
    name = "01_01_0071_(x)_c_0002.jpg"
    noise = np.random.default_rng(0).integers(0, 255, (120, 160, 3), dtype=np.uint8)  # mostly scan data
    cv2.imwrite(str(folder / name), noise)
    data = (folder / name).read_bytes()
    (folder / name).write_bytes(data[: len(data) * 2 // 3])
    assert cv2.imread(str(folder / name)) is not None  # what used to be fed to the model
    src = FrameFolderSource(folder)
    assert [round(f.timestamp * 30) for f in src] == [0, 2]
    assert [p.name for p in src.skipped] == [name]


def test_single_image_and_one_frame_video_are_one_frame_clips(tmp_path):
    img = np.full((24, 32, 3), 120, np.uint8)
    cv2.imwrite(str(tmp_path / "still.png"), img)
    frames = list(open_source(tmp_path / "still.png"))
    assert len(frames) == 1 and frames[0].image.shape == (24, 32, 3) and frames[0].timestamp == 0.0
    w = cv2.VideoWriter(str(tmp_path / "one.avi"), cv2.VideoWriter_fourcc(*"MJPG"), 25, (32, 24))
    w.write(img)
    w.release()
    assert len(list(open_source(tmp_path / "one.avi"))) == 1
    (tmp_path / "bad.jpg").write_bytes(b"not an image")
    with pytest.raises(SourceUnreadable, match="Cannot read image"):
        open_source(tmp_path / "bad.jpg")
