// Configuration for every service and CLI: absl flags with environment-variable and config-file
// equivalents, secrets that never come from a plain flag, and a start-up summary.
//
// Every flag `--pd_endpoints` can also be set by environment variable `OPS_PD_ENDPOINTS` (the
// prefix is configurable) or by key `pd_endpoints` in the JSON or flat-YAML file named by
// `--config` (or env `OPS_CONFIG`). Precedence: command line > environment > config file > flag
// default. Values go through absl's own flag parsing, so types are checked exactly as on the
// command line. Unknown config-file keys are errors (with a "did you mean").
//
//   int main(int argc, char** argv) {
//     auto args = ops::config::Init(argc, argv, {.usage = "observer: watches a TiKV cluster"});
//     if (!args.ok()) { std::cerr << args.status() << "\n"; return 2; }
//     ASSIGN_OR_RETURN(ops::config::Secret key, ops::config::LoadSecret("llm_api_key"));
//     ops::log::Info("config", {{"effective", ops::config::Describe()}});
//
// Secrets (`LoadSecret("llm_api_key")`) come only from env `OPS_LLM_API_KEY`, or from the file
// named by env `OPS_LLM_API_KEY_FILE` or flag `--llm_api_key_file` (if the program defines it).
//
// Thread safety: call Init once, from main, before other threads start. LoadSecret, Describe and
// EffectiveConfig are thread-safe afterwards.
#ifndef OPS_LIBS_CONFIG_CONFIG_H_
#define OPS_LIBS_CONFIG_CONFIG_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/config/secret.h"

namespace ops::config {

// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(absl::string_view name)>;

// The process environment (getenv).
std::optional<std::string> GetEnv(absl::string_view name);

struct Options {
  // What the program does, shown first by --help. Init appends how flags map to env and file.
  std::string usage;
  // Environment variables are <env_prefix><FLAG_NAME_UPPER>.
  std::string env_prefix = "OPS_";
  // Names of the secrets this program loads with LoadSecret (e.g. "llm_api_key"). A config
  // file that sets one is refused. Keys that look like secrets (password, token, api_key,
  // secret) and are not flags are refused too.
  std::vector<std::string> secrets;
  // Environment to read; the process environment when unset. Tests inject a map.
  EnvLookup env;
};

// Where an effective value came from.
enum class Source { kDefault, kConfigFile, kEnvironment, kCommandLine };
absl::string_view SourceName(Source source);

// Parses the command line with absl (handling --help, --helpfull, --version; an unknown flag
// or a bad command-line value prints an error and exits, as absl does), then applies the config
// file and the environment to every flag not given on the command line. Returns the positional
// arguments, argv[0] first.
//
// Errors: INVALID_ARGUMENT for a malformed config file (with file and line), an unknown key, a
// secret in the config file, or a value absl cannot parse (naming the env var or file:line);
// NOT_FOUND when the config file named explicitly does not exist.
// Not thread-safe: call once from main. Tests may call it again (e.g. under absl::FlagSaver).
absl::StatusOr<std::vector<char*>> Init(int argc, char** argv, const Options& options);

// The environment variable for `flag`: EnvName("pd_endpoints", "OPS_") == "OPS_PD_ENDPOINTS".
std::string EnvName(absl::string_view flag, absl::string_view prefix);

// Loads secret `name`, in this order: `--<name>_file` given on the command line; env
// <PREFIX><NAME>; a file named by env <PREFIX><NAME>_FILE; `--<name>_file` from the config file
// or its default. NOT_FOUND (saying how to set it) when none is set; NOT_FOUND or
// INVALID_ARGUMENT for a missing or empty file. Records the source for Describe. Thread-safe.
absl::StatusOr<Secret> LoadSecret(absl::string_view name);

// One program flag (absl's own flags such as --help are left out) or loaded secret.
struct EffectiveValue {
  std::string name;
  std::string value;  // "[redacted]" for secrets and secret-looking flags
  Source source = Source::kDefault;
  std::string origin;  // "OPS_PORT", "/etc/observer.yaml:3", "--port"; empty for defaults
};

// All program flags and loaded secrets with their effective value and source, sorted by name.
std::vector<EffectiveValue> EffectiveConfig();

// EffectiveConfig as text for the start-up log, one `name=value (source origin)` per line.
std::string Describe();

// Closest of `candidates` to `word` by edit distance, or empty when none is close enough.
std::string ClosestMatch(absl::string_view word, const std::vector<std::string>& candidates);

}  // namespace ops::config

#endif  // OPS_LIBS_CONFIG_CONFIG_H_
