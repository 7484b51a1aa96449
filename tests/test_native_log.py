"""MediaPipe's native chatter is recognised; real native errors and our own lines are not."""

from arsl_desktop.native_log import is_chatter


def test_chatter_lines_are_recognised():
    assert is_chatter(b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.")
    assert is_chatter(b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR")
    assert is_chatter(b"W0000 00:00:1795538180.568763    5608 inference_feedback_manager.cc:114] Feedback manager")
    assert is_chatter(b"I0000 00:00:1795538180.568763    5608 gl_context.cc:357] GL version")


def test_errors_and_our_messages_pass():
    assert not is_chatter(b"E0000 00:00:1795538180.568763    5608 calculator_graph.cc:887] real failure")
    assert not is_chatter(b"F0000 00:00:1795538180.568763    5608 x.cc:1] fatal")
    assert not is_chatter(b"arsl-desktop: error: Video file not found: a.mp4")
    assert not is_chatter("Traceback (most recent call last):".encode())
