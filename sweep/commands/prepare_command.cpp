// `sweep prepare`: photographs decoded, cropped, resized (and normalized) once, in parallel
// over the MPI ranks, into one HDF5 image cache written by rank 0 in image order, so that the
// cache holds the same bytes whatever the number of ranks.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "core/errors.h"
#include "core/version.h"
#include "results/store/image_cache.h"
#include "sweep/commands/commands.h"
#include "sweep/mpi/prepare_loops.h"
#include "worker/data/fundus.h"
#include "worker/data/image_list.h"

namespace sweep {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::int64_t kChunk = 8;  // images per request: small, so rank 0 writes steadily

worker::ImageList build_list(const CliCommand& cmd) {
  worker::ImageList list =
      cmd.labels.empty() ? worker::list_folder_images(cmd.images)
                         : worker::list_kaggle_images(cmd.images, cmd.labels, cmd.task == "binary");
  worker::assign_splits(list.entries, cmd.val_fraction, cmd.test_fraction, cmd.split_seed);
  return list;
}

PreparedImage prepare_one(const worker::ImageList& list, std::int64_t i, const CliCommand& cmd) {
  PreparedImage p;
  p.index = i;
  try {
    p.planes = worker::prepare_photo(list.entries[i].path, cmd.size, cmd.lcn ? cmd.lcn_sigma : 0);
    p.hash = worker::content_hash(p.planes);
  } catch (const std::exception& e) {
    p.error = e.what();
  }
  return p;
}

// Rank 0's side: takes prepared images in any order and writes them in image order.
class OrderedWriter {
 public:
  OrderedWriter(results::ImageCacheWriter& out, const worker::ImageList& list)
      : out_(out), list_(list), t0_(Clock::now()) {}

  void add(PreparedImage p) {
    pending_.emplace(p.index, std::move(p));
    std::vector<results::CacheRow> rows;
    std::vector<std::uint8_t> planes;
    for (auto it = pending_.find(next_); it != pending_.end(); it = pending_.find(next_)) {
      const worker::ImageEntry& e = list_.entries[next_];
      if (it->second.error.empty()) {
        rows.push_back({e.image_id, e.patient_id, e.split, e.label, it->second.hash});
        planes.insert(planes.end(), it->second.planes.begin(), it->second.planes.end());
        written_.push_back(rows.back());
      } else {
        out_.skip(e.image_id, it->second.error);
        skipped_.emplace_back(e.image_id, it->second.error);
      }
      pending_.erase(it);
      ++next_;
    }
    out_.append(rows, planes);
    progress(false);
  }

  // A progress line on stderr every 2 s (and at the end): images/s and ETA.
  void progress(bool last) {
    const double s = std::chrono::duration<double>(Clock::now() - t0_).count();
    if (!last && s < shown_ + 2) return;
    shown_ = s;
    const double rate = s > 0 ? next_ / s : 0;
    const auto n = static_cast<std::int64_t>(list_.entries.size());
    std::fprintf(stderr, "prepare: %lld/%lld images, %.1f images/s, ETA %.0f s\n",
                 static_cast<long long>(next_), static_cast<long long>(n), rate,
                 rate > 0 ? (n - next_) / rate : 0.0);
  }

  double seconds() const { return std::chrono::duration<double>(Clock::now() - t0_).count(); }
  const std::vector<results::CacheRow>& written() const { return written_; }
  const std::vector<std::pair<std::string, std::string>>& skipped() const { return skipped_; }

 private:
  results::ImageCacheWriter& out_;
  const worker::ImageList& list_;
  std::map<std::int64_t, PreparedImage> pending_;
  std::int64_t next_ = 0;
  std::vector<results::CacheRow> written_;
  std::vector<std::pair<std::string, std::string>> skipped_;
  Clock::time_point t0_;
  double shown_ = 0;
};

std::string summary(const CliCommand& cmd, const worker::ImageList& list, const OrderedWriter& w,
                    int ranks) {
  std::string s;
  char buf[256];
  const double secs = w.seconds();
  std::snprintf(buf, sizeof buf,
                "prepared %zu of %zu images into %s (%dx%d, %s%s) in %.1f s: %.1f images/s on "
                "%d rank(s)\n",
                w.written().size(), list.entries.size(), cmd.out.c_str(), cmd.size, cmd.size,
                cmd.labels.empty() ? "folder classes" : ("task " + cmd.task).c_str(),
                cmd.lcn ? ", local contrast normalized" : "", secs,
                secs > 0 ? w.written().size() / secs : 0.0, ranks);
  s += buf;
  std::map<std::string, std::pair<std::size_t, std::set<std::string>>> splits;
  std::map<std::int64_t, std::size_t> labels;
  for (const auto& r : w.written()) {
    splits[r.split].first++;
    splits[r.split].second.insert(r.patient_id);
    labels[r.label]++;
  }
  s += "splits (by patient):";
  for (const char* name : {"train", "val", "test"}) {
    s += std::string(" ") + name + " " + std::to_string(splits[name].first) + " images of " +
         std::to_string(splits[name].second.size()) + " patients;";
  }
  s += "\nlabels:";
  for (const auto& [label, count] : labels) {
    const std::string name =
        list.class_names.empty() ? std::to_string(label) : list.class_names[label];
    s += " " + name + ": " + std::to_string(count);
  }
  s += "\n";
  const std::size_t left_out = list.problems.size() + w.skipped().size();
  s += "skipped: " + std::to_string(left_out) +
       (left_out ? " (table 'skipped' of the cache)\n" : "\n");
  for (const auto& [image, why] : list.problems) s += "  " + image + ": " + why + "\n";
  for (const auto& [image, why] : w.skipped()) s += "  " + image + ": " + why + "\n";
  // Leakage: identical prepared images in different splits.
  std::map<std::uint64_t, std::vector<const results::CacheRow*>> by_hash;
  for (const auto& r : w.written()) by_hash[r.hash].push_back(&r);
  std::string leaks;
  std::size_t groups = 0;
  for (const auto& [hash, rows] : by_hash) {
    std::set<std::string> in;
    for (const auto* r : rows) in.insert(r->split);
    if (in.size() < 2) continue;
    ++groups;
    leaks += "  identical:";
    for (const auto* r : rows) leaks += " " + r->image_id + " (" + r->split + ")";
    leaks += "\n";
  }
  s += "leakage check: " +
       (groups == 0
            ? std::string("no identical images across train/val/test\n")
            : std::to_string(groups) + " group(s) of identical images across splits\n" + leaks);
  return s;
}

}  // namespace

int prepare_command(const CliCommand& cmd, const MpiSession& mpi) {
  const bool root = mpi.rank() == 0;
  worker::ImageList list;
  std::optional<results::ImageCacheWriter> out;
  int code = kExitOk;
  if (root) {
    try {
      if (std::filesystem::exists(cmd.out)) {
        throw UsageError("--out " + cmd.out + " exists; remove it or choose another name");
      }
      list = build_list(cmd);
      if (list.entries.empty()) throw DataError(cmd.images + ": no image with a label to prepare");
      results::CacheInfo info;
      info.size = cmd.size;
      info.task = cmd.labels.empty() ? "folder" : cmd.task;
      info.source = cmd.labels.empty() ? cmd.images : cmd.images + " " + cmd.labels;
      for (const auto& c : list.class_names)
        info.class_names += (info.class_names.empty() ? "" : ",") + c;
      info.classes = !list.class_names.empty() ? static_cast<std::int64_t>(list.class_names.size())
                     : cmd.task == "binary"    ? 2
                                               : 5;
      info.lcn = cmd.lcn;
      info.lcn_sigma = cmd.lcn ? cmd.lcn_sigma : 0;
      info.val_fraction = cmd.val_fraction;
      info.test_fraction = cmd.test_fraction;
      info.split_seed = static_cast<double>(cmd.split_seed);
      info.program_version = kVersion;
      out.emplace(cmd.out, info);
      for (const auto& [image, why] : list.problems) out->skip(image, why);
    } catch (const std::exception& e) {
      std::cerr << "sweep: error: " << e.what() << "\n";
      code = exit_code_of(e);
    }
  }
  if (mpi.size() > 1) code = polled_broadcast(code);
  if (code != kExitOk) return code;
  if (!root) {
    const worker::ImageList mine =
        build_list(cmd);  // every rank lists the same folder the same way
    serve_prepare([&](std::int64_t i) { return prepare_one(mine, i, cmd); });
    polled_barrier();
    return kExitOk;
  }
  OrderedWriter writer(*out, list);
  const auto n = static_cast<std::int64_t>(list.entries.size());
  if (mpi.size() == 1) {
    for (std::int64_t i = 0; i < n; ++i) writer.add(prepare_one(list, i, cmd));
  } else {
    coordinate_prepare(n, kChunk, mpi.size() - 1,
                       [&](PreparedImage p) { writer.add(std::move(p)); });
    polled_barrier();
  }
  writer.progress(true);
  out->finish();
  std::cout << summary(cmd, list, writer, mpi.size()) << std::flush;
  return kExitOk;
}

}  // namespace sweep
