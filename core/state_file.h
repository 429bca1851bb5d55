// The outer layout of a trial's state file (FILE.h5.state/TRIALID.state): a fixed 56-byte
// header (what trial, which epoch and batch, how long and what checksum the payload has), the
// trial's key values as text (so that rank 0 can hand a trial of a search that makes its trials
// as it goes, TPE, out again), then the payload that worker/training/training_state.cpp writes
// (weights, optimizer, schedules, random streams, epoch rows). The header is read without LibTorch,
// so that `sweep status` and rank 0 see which trials are saved mid-way and where, and a truncated
// or foreign file is refused before its payload is parsed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sweep {

// The state file format this version writes and reads. Format 1 (before 2026-12-06) and 2
// (2026-12-06, a bare LibTorch archive) have no header and are refused as "another format".
inline constexpr std::uint32_t kStateFormat = 3;
inline constexpr std::size_t kStateHeaderBytes = 56;

struct StateHeader {
  std::uint32_t format = kStateFormat;
  std::uint64_t trial_id = 0;
  std::int32_t epoch = 0;    // epochs complete
  std::int64_t batch = 0;    // batches of epoch + 1 trained too (0: at an epoch's end)
  bool batch_is_ms = false;  // `batch` counts milliseconds (model = noop), not batches
  std::uint64_t payload_bytes = 0;
  std::uint64_t checksum = 0;  // state_checksum() of the payload
  std::string params;          // the trial's key values, "key=value" lines (after the header)
};

// The header's 56 bytes (little-endian), then its params text.
std::string encode_state_header(const StateHeader& h);

// The header (and params) at the start of `bytes` (n of them) of the file `path`. Throws
// DataError naming `path` when there are fewer than 56 bytes or than the params need
// ("truncated"), they are not a sweep state, or the format is another than kStateFormat
// ("written by another version of sweep").
StateHeader decode_state_header(const std::string& path, const char* bytes, std::size_t n);

// "key=value" lines of `params`, and back (a value holds no newline).
std::string params_text(const std::vector<std::pair<std::string, std::string>>& params);
std::vector<std::pair<std::string, std::string>> parse_params(const std::string& text);

// Reads the header (and params) of the state file `path` and checks that the file holds its
// whole payload.
// Throws DataError naming `path` when the file is missing or unreadable, truncated, longer than
// its header says, or not a state of this format (see decode_state_header).
StateHeader read_state_header(const std::string& path);

// A checksum of `n` bytes (64-bit, word-wise multiply-xor: catches torn and flipped bytes, not
// tampering). Deterministic across machines.
std::uint64_t state_checksum(const char* bytes, std::size_t n);

// Where the running trials of the results file `results_file` keep their states (and
// successive halving its states between rungs): RESULTS.state.
inline std::string state_dir_of(const std::string& results_file) { return results_file + ".state"; }

// "3" or "3 + 17 batches" (or "+ 1062 ms" for a noop trial): where a state stands.
std::string state_position(const StateHeader& h);

// "TRIALID.state" (16 hex digits) and the trial id back from such a file name (nullopt for any
// other name, `.part` files included).
std::string state_file_name(std::uint64_t trial_id);
std::optional<std::uint64_t> trial_of_state_file(const std::string& file_name);

// One state file found in a state directory: its trial, and its header or why it is unreadable.
struct FoundState {
  std::uint64_t trial_id = 0;
  std::string path;
  std::optional<StateHeader> header;  // nullopt: `error` says why it cannot be used
  std::string error;
};

// The state files of `dir`, ordered by trial id ([] when `dir` does not exist). Never throws for
// a bad file: it is listed with its error.
std::vector<FoundState> list_states(const std::string& dir);

}  // namespace sweep
