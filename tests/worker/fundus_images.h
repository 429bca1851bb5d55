// Synthetic retina photographs for the tests: no real fundus images can be shipped.
#pragma once

#include <cstdint>

#include "worker/data/image_decode.h"

namespace sweep::test {

// A width x height photograph: black, with an orange disc of radius 0.45 x height centred
// (touching neither edge), darker vessel lines from the centre and, for grade > 0, `grade`
// x 4 bright spots; pixel noise from `seed`. The same arguments give the same pixels.
worker::RgbImage synthetic_fundus(int width, int height, int grade, std::uint32_t seed);

}  // namespace sweep::test
