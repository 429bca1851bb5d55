// Preparing a photograph for the tensor cache: crop the dark border around a round fundus,
// shrink to S x S with area averaging, optionally subtract a Gaussian-blurred copy (local
// contrast normalization, common for fundus images). Deterministic integer-exact arithmetic
// on the same input, so every rank of `sweep prepare` produces the same bytes. No LibTorch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "worker/data/image_decode.h"

namespace sweep::worker {

// The smallest square around the pixels brighter than `threshold` (the mean of R, G and B):
// the bounding box of rows and columns holding such a pixel, padded with black to a square
// centred on it. An image with no such pixel is padded to a square whole.
RgbImage crop_dark_border(const RgbImage& img, int threshold = 12);

// `img` resampled to size x size by area averaging (each output pixel the mean of the input
// area it covers, partial pixels weighted by their covered fraction), rounded to nearest.
RgbImage resize_area(const RgbImage& img, int size);

// 4 x (img - gaussian_blur(img, sigma)) + 128, clamped to 0-255, per channel; the blur's
// border is the image's own edge pixel repeated.
RgbImage local_contrast(const RgbImage& img, double sigma);

// The pixels as 3 x H x W planes (the layout of the cache and of the tensors).
std::vector<std::uint8_t> to_planes(const RgbImage& img);

// One photograph as `sweep prepare` stores it: decoded (a JPEG at the smallest scale that
// keeps `size` pixels), cropped to the fundus, resized to size x size, with local contrast
// normalization when `lcn_sigma` > 0; returned as 3 x size x size planes. Throws DataError
// naming the file when it cannot be decoded.
std::vector<std::uint8_t> prepare_photo(const std::string& path, int size, double lcn_sigma);

// FNV-1a of `bytes`, finished with a mixer: the content hash of the leakage check.
std::uint64_t content_hash(const std::vector<std::uint8_t>& bytes);

}  // namespace sweep::worker
