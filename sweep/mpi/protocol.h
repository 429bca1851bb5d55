// The coordinator/worker message protocol: the tags and the byte encoding of the messages.
// Pure data, no MPI, so it is unit-tested on its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/trial.h"
#include "sweep/search/job.h"

namespace sweep {

enum class Tag : int {
  kReady = 1,        // worker -> coordinator: idle, send work (empty body)
  kResult = 2,       // worker -> coordinator: a TrialResult; also asks for more work
  kTrial = 3,        // coordinator -> worker: a Job to run
  kStop = 4,         // coordinator -> worker: no more work (empty body)
  kAbandon = 5,      // coordinator -> worker: end the running trial now, report it abandoned
  kEpoch = 6,        // worker -> coordinator: an EpochReport of the running trial
  kVerdict = 7,      // coordinator -> worker: the answer to an epoch report of a job that awaits
                     // one (text: "" go on, else why the trial stops there, pruned)
  kGroupBroken = 8,  // group leader or member -> coordinator: the group cannot go on (text:
                     // the leader's rank, a newline, why); its running trial failed
};

using Bytes = std::vector<char>;

Bytes encode_job(const Job& job);
// Throws std::runtime_error on a truncated or malformed message.
Job decode_job(const Bytes& bytes);

// An epoch of a running trial, as its worker reports it (progress, stopping rules).
struct EpochReport {
  std::uint64_t trial_id = 0;
  EpochMetrics metrics;
};

Bytes encode_epoch(const EpochReport& e);
// Throws std::runtime_error on a truncated or malformed message.
EpochReport decode_epoch(const Bytes& bytes);

Bytes encode_text(const std::string& text);
// Throws std::runtime_error on a truncated or malformed message.
std::string decode_text(const Bytes& bytes);

Bytes encode_spec(const TrialSpec& spec);
// Throws std::runtime_error on a truncated or malformed message.
TrialSpec decode_spec(const Bytes& bytes);

Bytes encode_result(const TrialResult& result);
// Throws std::runtime_error on a truncated or malformed message.
TrialResult decode_result(const Bytes& bytes);

// sweep prepare: a range of images [begin, end) of the sorted image list for a worker, and
// what came of each image.
struct ImageRange {
  std::int64_t begin = 0, end = 0;
};

struct PreparedImage {
  std::int64_t index = 0;
  std::string error;  // empty when the image was prepared
  std::uint64_t hash = 0;
  std::vector<std::uint8_t> planes;  // 3 x S x S
};

Bytes encode_range(const ImageRange& r);
// Throws std::runtime_error on a truncated or malformed message.
ImageRange decode_range(const Bytes& bytes);

Bytes encode_prepared(const std::vector<PreparedImage>& images);
// Throws std::runtime_error on a truncated or malformed message.
std::vector<PreparedImage> decode_prepared(const Bytes& bytes);

}  // namespace sweep
