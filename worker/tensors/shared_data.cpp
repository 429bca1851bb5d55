#include "worker/tensors/shared_data.h"

#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/errors.h"

namespace sweep::worker {
namespace {

// What the node's member 0 tells the others: everything of the data set but its pixels.
class Writer {
 public:
  void i64(std::int64_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  void text(const std::string& t) {
    i64(static_cast<std::int64_t>(t.size()));
    out_ += t;
  }
  void doubles(const std::vector<double>& v) {
    i64(static_cast<std::int64_t>(v.size()));
    for (double x : v) f64(x);
  }
  std::string take() { return std::move(out_); }

 private:
  void raw(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string out_;
};

class Reader {
 public:
  explicit Reader(const std::string& in) : in_(in) {}
  std::int64_t i64() {
    std::int64_t v;
    raw(&v, sizeof v);
    return v;
  }
  double f64() {
    double v;
    raw(&v, sizeof v);
    return v;
  }
  std::string text() {
    const auto n = static_cast<std::size_t>(i64());
    need(n);
    std::string t = in_.substr(at_, n);
    at_ += n;
    return t;
  }
  std::vector<double> doubles() {
    std::vector<double> v(static_cast<std::size_t>(i64()));
    for (double& x : v) x = f64();
    return v;
  }

 private:
  void need(std::size_t n) const {
    if (at_ + n > in_.size()) throw std::logic_error("a node's data set description is cut short");
  }
  void raw(void* p, std::size_t n) {
    need(n);
    std::memcpy(p, in_.data() + at_, n);
    at_ += n;
  }
  const std::string& in_;
  std::size_t at_ = 0;
};

ImageSet* part(LoadedData& d, int i) { return i == 0 ? &d.train : i == 1 ? &d.val : &d.test; }

std::int64_t pixel_bytes(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (std::int64_t s : shape) n *= s;
  return n;
}

// "ok" and the data set without pixels, or "streamed" when a part is read from a file.
std::string describe(LoadedData& d) {
  Writer w;
  for (int i = 0; i < 3; ++i) {
    const ImageSet& s = *part(d, i);
    if (s.defined() && !s.pixels().defined()) return "streamed";
  }
  w.text("ok");
  w.i64(d.classes);
  w.doubles(d.stats.mean);
  w.doubles(d.stats.stddev);
  w.i64(d.info.train_count);
  w.i64(d.info.test_count);
  w.i64(d.info.channels);
  w.i64(d.info.rows);
  w.i64(d.info.cols);
  w.text(d.info.description);
  for (int i = 0; i < 3; ++i) {
    const ImageSet& s = *part(d, i);
    w.i64(s.defined() ? 1 : 0);
    if (!s.defined()) continue;
    for (std::int64_t dim : s.pixels().sizes()) w.i64(dim);
    const torch::Tensor labels = s.labels().contiguous();
    w.i64(labels.numel());
    for (std::int64_t k = 0; k < labels.numel(); ++k) w.i64(labels.data_ptr<std::int64_t>()[k]);
  }
  return w.take();
}

// Reads what node member 0 said of a data set held in memory: `d` without its pixels, each
// part's pixel shape and labels, and the pixels' bytes in all. Throws DataError with member 0's
// message when its decoding failed; std::logic_error on a description cut short.
void read_description(const std::string& said, LoadedData& d, std::vector<std::int64_t> shapes[3],
                      std::vector<std::int64_t> labels[3], std::int64_t& total) {
  Reader r(said);
  if (r.text() == "failed") throw DataError(r.text());
  d.classes = r.i64();
  d.stats.mean = r.doubles();
  d.stats.stddev = r.doubles();
  d.info.train_count = r.i64();
  d.info.test_count = r.i64();
  d.info.channels = r.i64();
  d.info.rows = r.i64();
  d.info.cols = r.i64();
  d.info.description = r.text();
  total = 0;
  for (int i = 0; i < 3; ++i) {
    if (r.i64() == 0) continue;
    for (int k = 0; k < 4; ++k) shapes[i].push_back(r.i64());
    labels[i].resize(static_cast<std::size_t>(r.i64()));
    for (std::int64_t& l : labels[i]) l = r.i64();
    total += pixel_bytes(shapes[i]);
  }
}

// The bytes of `d`'s pixels held in memory.
std::uint64_t held_pixel_bytes(LoadedData& d) {
  std::uint64_t n = 0;
  for (int i = 0; i < 3; ++i) {
    const ImageSet& s = *part(d, i);
    if (s.defined() && s.pixels().defined()) n += static_cast<std::uint64_t>(s.pixels().numel());
  }
  return n;
}

// Room kept free beside a shared data set where the node's shared memory lives (the MPI's own
// segments live there too).
constexpr std::uint64_t kRoomMargin = std::uint64_t{16} << 20;

// load_shared's work, before the members agree that each of them has the data set.
LoadedData load_once(const std::function<LoadedData()>& decode, TrialGroup& group) {
  LoadedData mine;
  std::string said;
  if (group.node_rank() == 0) {
    try {
      mine = decode();
      said = describe(mine);
      const TrialGroup::Room room = group.node_memory_room();
      const std::uint64_t bytes = held_pixel_bytes(mine);
      if (said != "streamed" && room.free_bytes < kRoomMargin + bytes) {
        std::fprintf(stderr,
                     "sweep: %s: %.1f MiB of pixels do not fit in %s (%.1f MiB free, %.0f MiB "
                     "kept free): each of the %d ranks of this node that train together holds "
                     "its own copy\n",
                     mine.info.description.c_str(), static_cast<double>(bytes) / 1048576.0,
                     room.where.c_str(), static_cast<double>(room.free_bytes) / 1048576.0,
                     static_cast<double>(kRoomMargin) / 1048576.0, group.node_size());
        said = "own copies";
      }
    } catch (const std::exception& e) {
      Writer w;
      w.text("failed");
      w.text(e.what());
      said = w.take();
    } catch (...) {  // the others hear of it all the same
      Writer w;
      w.text("failed");
      w.text("an unknown error while decoding the data set");
      said = w.take();
    }
  }
  said = group.node_broadcast(said);
  if (said == "streamed" || said == "own copies") {
    return group.node_rank() == 0 ? std::move(mine) : decode();
  }
  // Every member reads the description, or none maps the memory (a member whose reading failed
  // would leave the others waiting in node_memory's collectives).
  std::exception_ptr unread;
  LoadedData d;
  std::vector<std::int64_t> shapes[3];
  std::vector<std::int64_t> labels[3];
  std::int64_t total = 0;
  try {
    if (group.inject_fault(kShareFaultPoint) != Fault::kNone) {
      throw std::runtime_error(std::string("injected fault (SWEEP_FAULT_INJECT) at ") +
                               kShareFaultPoint);
    }
    read_description(said, d, shapes, labels, total);
  } catch (const std::exception&) {
    unread = std::current_exception();
  }
  if (!group.node_all(unread == nullptr)) {
    if (unread != nullptr) std::rethrow_exception(unread);
    throw DataError("another member of this trial group on this node could not read the data set");
  }
  std::uint8_t* base = group.node_memory(static_cast<std::size_t>(total), [&](std::uint8_t* at) {
    for (int i = 0; i < 3; ++i) {
      if (shapes[i].empty()) continue;
      const torch::Tensor p = part(mine, i)->pixels().contiguous();
      std::memcpy(at, p.data_ptr<std::uint8_t>(), static_cast<std::size_t>(p.numel()));
      at += p.numel();
    }
  });
  mine = LoadedData();  // member 0's own copy goes
  if (group.node_rank() == 0) {
    std::fprintf(stderr,
                 "sweep: %s: %.1f MiB of pixels held once by the %d ranks of this node "
                 "that train together\n",
                 d.info.description.c_str(), static_cast<double>(total) / 1048576.0,
                 group.node_size());
  }
  for (int i = 0; i < 3; ++i) {
    if (shapes[i].empty()) continue;
    // The memory lives with the group, longer than any data set: no deleter.
    torch::Tensor pixels = torch::from_blob(base, shapes[i], torch::kUInt8);
    *part(d, i) = ImageSet(pixels, torch::tensor(labels[i], torch::kInt64));
    base += pixel_bytes(shapes[i]);
  }
  return d;
}

}  // namespace

LoadedData load_shared(const std::function<LoadedData()>& decode, TrialGroup& group) {
  std::exception_ptr failure;
  LoadedData d;
  try {
    d = load_once(decode, group);
  } catch (const GroupBroken&) {
    throw;
  } catch (const std::exception&) {
    failure = std::current_exception();
  }
  // All have it, or none keeps it: the members' caches stay alike, so that the next trial of
  // this data set finds it everywhere or loads it again everywhere.
  if (group.node_all(failure == nullptr)) return d;
  if (failure != nullptr) std::rethrow_exception(failure);
  throw DataError("another member of this trial group on this node could not load the data set");
}

}  // namespace sweep::worker
