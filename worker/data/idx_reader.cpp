#include "worker/data/idx_reader.h"

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "core/errors.h"

namespace sweep::worker {
namespace {

constexpr std::uint32_t kImageMagic = 0x00000803;
constexpr std::uint32_t kLabelMagic = 0x00000801;

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

// gzopen reads raw files transparently, so one path serves both.
GzFile open_or_throw(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) throw DataError(path + ": cannot open");
  gzbuffer(f, 1 << 17);
  return GzFile(f);
}

std::size_t read_bytes(gzFile f, void* dst, std::size_t n, const std::string& path) {
  std::size_t done = 0;
  auto* out = static_cast<unsigned char*>(dst);
  while (done < n) {
    unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n - done, 1u << 30));
    int got = gzread(f, out + done, chunk);
    if (got < 0) {
      int err = 0;
      throw DataError(path + ": read error: " + gzerror(f, &err));
    }
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  return done;
}

std::uint32_t read_be32(gzFile f, const std::string& path) {
  unsigned char b[4];
  if (read_bytes(f, b, 4, path) != 4) throw DataError(path + ": truncated IDX header");
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
         b[3];
}

// Reads the `want` bytes of an IDX body into `out`, growing it as the data come (a header
// cannot make it allocate more than the file holds), and checks that nothing follows them.
// Throws DataError naming the file when the body is shorter or longer than `what` promises.
void read_body(gzFile f, std::size_t want, std::vector<std::uint8_t>& out, const std::string& path,
               const std::string& what) {
  constexpr std::size_t kStep = std::size_t{1} << 24;
  out.clear();
  while (out.size() < want) {
    const std::size_t at = out.size();
    out.resize(at + std::min(kStep, want - at));
    const std::size_t got = read_bytes(f, out.data() + at, out.size() - at, path);
    if (got < out.size() - at) {
      throw DataError(path + ": truncated: the header promises " + what + " (" +
                      std::to_string(want) + " bytes after the header) but the file holds " +
                      std::to_string(at + got));
    }
  }
  unsigned char extra = 0;
  if (read_bytes(f, &extra, 1, path) != 0) {
    throw DataError(path + ": holds more than the " + what + " its header promises (" +
                    std::to_string(want) + " bytes after the header): a damaged header?");
  }
}

struct Header {
  std::int64_t count = 0, rows = 0, cols = 0;
};

Header read_header(gzFile f, const std::string& path, std::uint32_t magic) {
  std::uint32_t m = read_be32(f, path);
  if (m != magic) {
    throw DataError(path + ": wrong magic number " + std::to_string(m) + " (expected " +
                    std::to_string(magic) + ", an IDX " +
                    (magic == kImageMagic ? "image" : "label") + " file)");
  }
  Header h;
  h.count = read_be32(f, path);
  if (magic == kImageMagic) {
    h.rows = read_be32(f, path);
    h.cols = read_be32(f, path);
    if (h.rows <= 0 || h.cols <= 0 || h.rows > 4096 || h.cols > 4096) {
      throw DataError(path + ": bad image size " + std::to_string(h.rows) + "x" +
                      std::to_string(h.cols));
    }
  }
  if (h.count <= 0) throw DataError(path + ": holds no items");
  return h;
}

bool exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

std::string find_idx_file(const std::string& dir, const std::string& name) {
  std::string base = dir.empty() ? name : dir + "/" + name;
  if (exists(base)) return base;
  if (exists(base + ".gz")) return base + ".gz";
  return "";
}

std::int64_t read_idx_header(const std::string& path, std::int64_t* rows, std::int64_t* cols) {
  GzFile f = open_or_throw(path);
  bool images = rows != nullptr || cols != nullptr;
  Header h = read_header(f.get(), path, images ? kImageMagic : kLabelMagic);
  if (rows) *rows = h.rows;
  if (cols) *cols = h.cols;
  return h.count;
}

RawImages read_idx_images(const std::string& path) {
  GzFile f = open_or_throw(path);
  Header h = read_header(f.get(), path, kImageMagic);
  RawImages img;
  img.count = h.count;
  img.rows = h.rows;
  img.cols = h.cols;
  const std::size_t want = static_cast<std::size_t>(h.count * h.rows * h.cols);
  read_body(f.get(), want, img.pixels, path, std::to_string(h.count) + " images");
  return img;
}

void read_idx_labels(const std::string& path, RawImages& images) {
  GzFile f = open_or_throw(path);
  Header h = read_header(f.get(), path, kLabelMagic);
  if (h.count != images.count) {
    throw DataError(path + ": " + std::to_string(h.count) + " labels for " +
                    std::to_string(images.count) + " images");
  }
  std::vector<std::uint8_t> raw;
  read_body(f.get(), static_cast<std::size_t>(h.count), raw, path,
            std::to_string(h.count) + " labels");
  images.labels.assign(raw.begin(), raw.end());
}

}  // namespace sweep::worker
