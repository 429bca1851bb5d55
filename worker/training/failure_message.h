// What a failed trial stores as its message: the exception's text without LibTorch's stack
// frames, short enough to read in a table. The whole text goes to the worker's stderr (the
// job's log) when it was shortened.
#pragma once

#include <cstddef>
#include <exception>
#include <string>

namespace sweep::worker {

// `text` without the lines of a stack trace ("frame #N: ...", "Exception raised from ...")
// and blank lines, the rest joined by "; " and cut to `max_chars` (ending in "...").
std::string shorten_failure_text(const std::string& text, std::size_t max_chars = 400);

// The message of `e` shortened as above; for LibTorch's c10::Error its text without the
// backtrace.
std::string failure_message(const std::exception& e, std::size_t max_chars = 400);

}  // namespace sweep::worker
