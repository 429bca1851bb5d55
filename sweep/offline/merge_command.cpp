// `sweep merge`: the distinct trials of several results files in a new one.
#include <iostream>

#include "core/errors.h"
#include "core/version.h"
#include "results/store/merge.h"
#include "results/store/store.h"
#include "sweep/offline/offline_commands.h"

namespace sweep {

int merge_command(const CliCommand& cmd) {
  if (results::file_exists(cmd.out)) {
    throw UsageError(cmd.out + ": already exists; merge writes a new file");
  }
  results::MergeReport r = results::merge_files(cmd.out, cmd.files, cmd.command_line, kVersion);
  for (const auto& w : r.warnings) std::cerr << "sweep: warning: " << w << "\n";
  for (const auto& c : r.conflicts) std::cerr << "sweep: conflict: " << c << "\n";
  std::cout << "merged " << cmd.files.size() << " files into " << cmd.out << ": " << r.written
            << " trials (" << r.rows_read << " rows read, " << r.identical_duplicates
            << " identical duplicates dropped, " << r.conflicts.size() << " conflicting)\n";
  return kExitOk;
}

}  // namespace sweep
