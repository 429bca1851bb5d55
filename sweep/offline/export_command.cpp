// `sweep export`: the trials of results files as CSV or JSON.
#include <iostream>

#include "core/errors.h"
#include "results/analysis/export.h"
#include "sweep/cli/whole_file.h"
#include "sweep/offline/offline_commands.h"

namespace sweep {

int export_command(const CliCommand& cmd) {
  const results::ExportFormat format = results::parse_export_format(cmd.format);
  const results::ExportRows rows = cmd.curves             ? results::ExportRows::kEpochs
                                   : cmd.robustness_rows  ? results::ExportRows::kRobustness
                                   : cmd.activation_rows  ? results::ExportRows::kActivations
                                   : cmd.calibration_rows ? results::ExportRows::kCalibration
                                                          : results::ExportRows::kTrials;
  if (cmd.out.empty() || cmd.out == "-") {
    results::export_files(cmd.files, format, rows, std::cout);
    return kExitOk;
  }
  write_whole_file_with(
      cmd.out, [&](std::ostream& out) { results::export_files(cmd.files, format, rows, out); });
  std::cerr << "exported " << cmd.files.size() << " file(s) to " << cmd.out << "\n";
  return kExitOk;
}

}  // namespace sweep
