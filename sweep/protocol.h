// The coordinator/worker message protocol: the tags and the byte encoding of the messages.
// Pure data, no MPI, so it is unit-tested on its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sweep/trial.h"

namespace sweep {

enum class Tag : int {
  kReady = 1,    // worker -> coordinator: idle, send work (empty body)
  kResult = 2,   // worker -> coordinator: a TrialResult; also asks for more work
  kTrial = 3,    // coordinator -> worker: a TrialSpec to run
  kStop = 4,     // coordinator -> worker: no more work (empty body)
  kAbandon = 5,  // coordinator -> worker: end the running trial now, report it abandoned
};

using Bytes = std::vector<char>;

Bytes encode_spec(const TrialSpec& spec);
// Throws std::runtime_error on a truncated or malformed message.
TrialSpec decode_spec(const Bytes& bytes);

Bytes encode_result(const TrialResult& result);
// Throws std::runtime_error on a truncated or malformed message.
TrialResult decode_result(const Bytes& bytes);

}  // namespace sweep
