// The HDF5 results file: one writer (rank 0) appends each result as it arrives and flushes it;
// readers load whole tables for offline analysis.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sweep/trial.h"

namespace sweep::results {

// Root attributes of a results file.
struct StoreInfo {
  std::string grid_path, grid_text, command_line, program_version, dataset;
  std::string shard;        // "I-of-N" for a shard of an array job, "" for the whole grid
  std::string merged_from;  // for `sweep merge` output: "FILE\tSHARD\tTRIALS" per input
  double created_unix = 0;
};

// A trial read back from a file: its result and its parameters (canonical text).
struct StoredTrial {
  TrialResult result;
  std::vector<std::pair<std::string, std::string>> params;
  // The value of parameter `key`, or "" when the file has no such column.
  std::string param(const std::string& key) const;
};

class Store {
 public:
  // Creates a new results file at `path` with empty tables and `info` as root attributes.
  // Throws StoreError when the file exists or cannot be created.
  static Store create(const std::string& path, const StoreInfo& info);
  // Opens an existing results file for appending. Throws StoreFormatError when it is not a
  // sweep results file, StoreError when it cannot be opened.
  static Store open_append(const std::string& path);
  // Opens an existing results file read-only. Throws as open_append.
  static Store open_read(const std::string& path);

  // Appends the trial's row, its epoch rows and its confusion cells, then flushes the file
  // to disk. Throws StoreError.
  void append(const TrialSpec& spec, const TrialResult& result);

  // All trials with their epochs and confusion matrices, in file order. Throws StoreError.
  std::vector<StoredTrial> read_trials() const;
  // Ids of every stored trial. Throws StoreError.
  std::set<std::uint64_t> stored_ids() const;
  // Root attributes. Throws StoreError.
  StoreInfo info() const;
  const std::string& path() const { return path_; }

  struct File;  // the open HDF5 file (results/h5.h), kept out of this header

  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;

 private:
  Store(std::string path, std::unique_ptr<File> file);
  std::string path_;
  std::unique_ptr<File> file_;
};

// True when a regular file exists at `path`.
bool file_exists(const std::string& path);

}  // namespace sweep::results
