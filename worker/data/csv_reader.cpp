#include "worker/data/csv_reader.h"

#include <charconv>
#include <cmath>
#include <fstream>

#include "core/errors.h"

namespace sweep::worker {
namespace {

struct CsvLayout {
  bool has_label = false;
  std::int64_t pixels = 0, side = 0;
};

std::string strip_cr(std::string s) {
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

CsvLayout parse_header(const std::string& header, const std::string& path, bool require_labels) {
  CsvLayout l;
  std::int64_t fields = 1;
  for (char c : header) fields += c == ',';
  l.has_label = header.rfind("label", 0) == 0;
  if (!l.has_label && header.rfind("pixel", 0) != 0) {
    throw DataError(path + ":1: expected a header starting with 'label,pixel0' or 'pixel0'");
  }
  if (require_labels && !l.has_label) {
    throw DataError(path + ":1: no 'label' column; a file without labels can only be predicted on");
  }
  l.pixels = fields - (l.has_label ? 1 : 0);
  l.side = static_cast<std::int64_t>(std::llround(std::sqrt(static_cast<double>(l.pixels))));
  if (l.pixels <= 0 || l.side * l.side != l.pixels) {
    throw DataError(path + ":1: " + std::to_string(l.pixels) +
                    " pixel columns do not make a square image");
  }
  return l;
}

// Opens `path` and reads its header line, leaving `in` at the first data row.
CsvLayout open_csv(const std::string& path, bool require_labels, std::ifstream& in) {
  in.open(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot open");
  std::string line;
  if (!std::getline(in, line)) throw DataError(path + ": empty file");
  return parse_header(strip_cr(line), path, require_labels);
}

}  // namespace

DataInfo probe_csv(const std::string& path, bool require_labels) {
  std::ifstream in;
  CsvLayout l = open_csv(path, require_labels, in);
  std::string line;
  DataInfo info;
  info.rows = info.cols = l.side;
  while (std::getline(in, line)) {
    if (!strip_cr(line).empty()) ++info.train_count;
  }
  if (info.train_count == 0) throw DataError(path + ": no data rows");
  return info;
}

RawImages read_csv_images(const std::string& path, bool require_labels) {
  std::ifstream in;
  CsvLayout l = open_csv(path, require_labels, in);
  std::string line;
  RawImages img;
  img.rows = img.cols = l.side;
  const std::int64_t fields = l.pixels + (l.has_label ? 1 : 0);
  std::int64_t lineno = 1;
  while (std::getline(in, line)) {
    ++lineno;
    line = strip_cr(line);
    if (line.empty()) continue;
    const std::string at = path + ":" + std::to_string(lineno) + ": ";
    const char* p = line.data();
    const char* end = line.data() + line.size();
    for (std::int64_t f = 0; f < fields; ++f) {
      long v = 0;
      auto r = std::from_chars(p, end, v);
      if (r.ec != std::errc())
        throw DataError(at + "field " + std::to_string(f + 1) + " is not an integer");
      p = r.ptr;
      bool last = f + 1 == fields;
      if (last ? p != end : (p == end || *p != ',')) {
        throw DataError(at + "expected " + std::to_string(fields) + " integer fields");
      }
      if (!last) ++p;
      if (l.has_label && f == 0) {
        if (v < 0 || v > 255)
          throw DataError(at + "label " + std::to_string(v) + " is out of range 0-255");
        img.labels.push_back(v);
      } else {
        if (v < 0 || v > 255)
          throw DataError(at + "pixel value " + std::to_string(v) + " is out of range 0-255");
        img.pixels.push_back(static_cast<std::uint8_t>(v));
      }
    }
    img.lines.push_back(lineno);
    ++img.count;
  }
  if (img.count == 0) throw DataError(path + ": no data rows");
  return img;
}

}  // namespace sweep::worker
