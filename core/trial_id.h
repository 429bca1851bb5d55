// Stable trial identity: the same settings give the same 64-bit id on every machine and run.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sweep {

// The canonical text of a trial: "key=value\n" for every key that is part of the id
// (KeySpec::in_id) and whose value differs from its default, sorted by key, after a version
// line. Leaving defaults out keeps ids stable when a later release adds a key whose default
// reproduces the old behaviour. `params` must hold canonical values (canonical_value).
std::string canonical_text(const std::vector<std::pair<std::string, std::string>>& params);

// 64-bit FNV-1a of `text`, finished with the splitmix64 mixer. Pure function of the bytes.
std::uint64_t hash64(const std::string& text);

// hash64(canonical_text(params)).
std::uint64_t trial_id_of(const std::vector<std::pair<std::string, std::string>>& params);

// The id as 16 lower-case hex digits, as printed and used in file names.
std::string trial_id_hex(std::uint64_t id);

}  // namespace sweep
