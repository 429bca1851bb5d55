#include "sweep/data/mistake_images.h"

#include <algorithm>
#include <exception>
#include <stdexcept>

#include "sweep/data/cache_loader.h"
#include "worker/data/image_decode.h"

namespace sweep {
namespace {

// The part of `s` that split `split` of an image cache names (see MistakeImageReader).
worker::RawImages cache_part(worker::SplitImages s, const std::string& split) {
  if (split == "test") return std::move(s.test);
  if (s.val.count > 0) return std::move(s.val);
  return std::move(s.train);
}

}  // namespace

std::string base64(const std::string& bytes) {
  static const char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t v = static_cast<std::uint8_t>(bytes[i]) << 16;
    if (n > 1) v |= static_cast<std::uint8_t>(bytes[i + 1]) << 8;
    if (n > 2) v |= static_cast<std::uint8_t>(bytes[i + 2]);
    out += kDigits[(v >> 18) & 63];
    out += kDigits[(v >> 12) & 63];
    out += n > 1 ? kDigits[(v >> 6) & 63] : '=';
    out += n > 2 ? kDigits[v & 63] : '=';
  }
  return out;
}

const MistakeImageReader::Part& MistakeImageReader::part(const worker::DataKey& key,
                                                         const std::string& split) {
  const auto at = std::make_pair(key, split);
  auto it = parts_.find(at);
  if (it != parts_.end()) return it->second;
  Part p;
  try {
    if (key.dataset == "hdf5") {
      p.images = cache_part(load_split_images(key.cache, /*stream=*/true), split);
    } else {
      worker::RawDataSet raw = worker::load_raw(key);
      p.images = split == "test" ? std::move(raw.test) : std::move(raw.train);
    }
  } catch (const std::exception& e) {
    p.error = e.what();
  }
  return parts_.emplace(at, std::move(p)).first->second;
}

results::MistakeImages MistakeImageReader::operator()(const results::StoredTrial& t) {
  results::MistakeImages out;
  const std::string& split = t.result.eval_split;
  worker::DataKey key;
  try {
    key = worker::data_key_of(TrialSpec{t.result.trial_id, t.params});
  } catch (const std::exception& e) {
    out.note = std::string("The file does not name this trial's data set (") + e.what() +
               "); the mistakes are listed without images.";
    return out;
  }
  const Part& p = part(key, split);
  const std::string where = "The data set " + key.describe() + " (its " + split + " images)";
  if (!p.error.empty()) {
    out.note = where + " cannot be read where the results file says: " + p.error +
               "; the mistakes are listed without images.";
    return out;
  }
  const worker::RawImages& raw = p.images;
  const std::int64_t size = raw.channels * raw.rows * raw.cols;
  try {
    for (const Mistake& m : t.result.mistakes) {
      if (m.row < 0 || m.row >= raw.count) {
        throw std::out_of_range("it has " + std::to_string(raw.count) + " images, no row " +
                                std::to_string(m.row) + " (has it changed since the sweep?)");
      }
      std::vector<std::uint8_t> bytes =
          raw.read ? raw.read({m.row})
                   : std::vector<std::uint8_t>(raw.pixels.begin() + m.row * size,
                                               raw.pixels.begin() + (m.row + 1) * size);
      const std::vector<std::uint8_t> png =
          worker::encode_png(bytes.data(), static_cast<int>(raw.channels),
                             static_cast<int>(raw.rows), static_cast<int>(raw.cols));
      out.images.push_back("data:image/png;base64," + base64(std::string(png.begin(), png.end())));
    }
  } catch (const std::exception& e) {
    out.images.clear();
    out.note = where + ": " + e.what() + "; the mistakes are listed without images.";
  }
  return out;
}

}  // namespace sweep
