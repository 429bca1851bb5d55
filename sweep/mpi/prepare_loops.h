// The loops of `sweep prepare` over MPI: rank 0 hands out ranges of image indices to the
// workers as they ask and takes back what came of each image; workers prepare the ranges they
// are given. What preparing an image means is the caller's (sweep/commands/prepare_command.cpp).
#pragma once

#include <cstdint>
#include <functional>

#include "sweep/mpi/protocol.h"

namespace sweep {

// Rank 0: hands out the images [0, n) in ranges of `chunk` to `workers` ranks as they ask,
// passes every image they send back to `take` (in the order they arrive, not image order),
// and tells each worker to stop once every range is out. Throws MpiError, or what `take`
// throws.
void coordinate_prepare(std::int64_t n, std::int64_t chunk, int workers,
                        const std::function<void(PreparedImage)>& take);

// A worker rank: asks rank 0 for ranges and sends back `prepare(i)` for each image i of them,
// until rank 0 says stop. Throws MpiError.
void serve_prepare(const std::function<PreparedImage(std::int64_t)>& prepare);

}  // namespace sweep
