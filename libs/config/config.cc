#include "libs/config/config.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "libs/config/config_file.h"

ABSL_FLAG(std::string, config, "",
          "Path of a JSON (.json) or flat YAML (.yaml/.yml) file whose keys are flag names, "
          "e.g. `pd_endpoints: [http://pd1:2379, http://pd2:2379]`. Command-line flags and "
          "environment variables override it.");

namespace ops::config {
namespace {

struct Origin {
  Source source = Source::kDefault;
  std::string where;
};

// What Init learned, for LoadSecret and Describe.
struct State {
  std::mutex mu;
  std::string prefix = "OPS_";
  EnvLookup env;
  absl::flat_hash_set<std::string> secret_names;
  std::map<std::string, Origin> flag_origins;    // flags not listed are defaults
  std::map<std::string, Origin> secret_origins;  // secrets loaded so far
};

State& GlobalState() {
  static State* state = new State();
  return *state;
}

// absl's built-in flags (--help, --flagfile, ...) are not ours to configure or describe.
bool IsProgramFlag(const absl::CommandLineFlag& flag) {
  return !flag.IsRetired() && !absl::StrContains(flag.Filename(), "absl/");
}

bool LooksSecret(absl::string_view name) {
  if (absl::EndsWith(name, "_file")) return false;  // a path to a secret is not a secret
  for (absl::string_view word : {"password", "passwd", "secret", "token", "api_key", "apikey"}) {
    if (absl::StrContains(absl::AsciiStrToLower(name), word)) return true;
  }
  return false;
}

std::vector<std::string> ProgramFlagNames() {
  std::vector<std::string> names;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (IsProgramFlag(*flag)) names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Flags named on the command line (before "--"): `--name`, `--name=v`, `-name`, `--noname`.
absl::flat_hash_set<std::string> CommandLineFlagNames(int argc, char** argv) {
  absl::flat_hash_set<std::string> names;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (!absl::ConsumePrefix(&arg, "-")) continue;
    absl::ConsumePrefix(&arg, "-");
    absl::string_view name = arg.substr(0, arg.find('='));
    if (absl::FindCommandLineFlag(name) != nullptr) {
      names.insert(std::string(name));
    } else if (absl::ConsumePrefix(&name, "no")) {
      if (auto* flag = absl::FindCommandLineFlag(name); flag != nullptr && flag->IsOfType<bool>()) {
        names.insert(std::string(name));
      }
    }
  }
  return names;
}

absl::Status SetFlag(absl::CommandLineFlag& flag, absl::string_view value,
                     absl::string_view where) {
  std::string error;
  if (flag.ParseFrom(value, &error)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(where, ": invalid value \"", value, "\" for flag --", flag.Name(), " (default ",
                   flag.DefaultValue(), ")", error.empty() ? "" : ": ", error));
}

std::string SecretHint(absl::string_view name, absl::string_view prefix) {
  std::string env = EnvName(name, prefix);
  std::string hint = absl::StrCat("set env ", env, " or ", env, "_FILE");
  if (absl::FindCommandLineFlag(absl::StrCat(name, "_file")) != nullptr) {
    absl::StrAppend(&hint, " or flag --", name, "_file");
  }
  return hint;
}

absl::Status ApplyConfigFile(const std::string& path, const Options& options,
                             const absl::flat_hash_set<std::string>& on_command_line,
                             std::map<std::string, Origin>& origins) {
  auto entries = LoadConfigFile(path);
  if (!entries.ok()) return entries.status();
  std::vector<std::string> known = ProgramFlagNames();
  for (const ConfigEntry& entry : *entries) {
    std::string where = absl::StrCat(path, ":", entry.line);
    bool declared_secret = std::find(options.secrets.begin(), options.secrets.end(), entry.key) !=
                           options.secrets.end();
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(entry.key);
    if (declared_secret || (flag == nullptr && LooksSecret(entry.key))) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": \"", entry.key, "\" is a secret and is not read from config files; ",
          SecretHint(entry.key, options.env_prefix)));
    }
    if (entry.key == "config") {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": a config file cannot name another config file"));
    }
    if (flag == nullptr || !IsProgramFlag(*flag)) {
      std::string message = absl::StrCat(where, ": unknown key \"", entry.key, "\"");
      if (std::string guess = ClosestMatch(entry.key, known); !guess.empty()) {
        absl::StrAppend(&message, " (did you mean \"", guess, "\"?)");
      }
      return absl::InvalidArgumentError(message);
    }
    if (on_command_line.contains(entry.key)) continue;
    if (absl::Status s = SetFlag(*flag, entry.value, where); !s.ok()) return s;
    origins[entry.key] = {Source::kConfigFile, where};
  }
  return absl::OkStatus();
}

std::string InitUsage(const Options& options) {
  return absl::StrCat(
      options.usage, options.usage.empty() ? "" : "\n\n",
      "Every flag --name may also be set by environment variable ", options.env_prefix,
      "NAME (upper case) or by key `name` in the JSON/YAML file given by --config (env ",
      options.env_prefix,
      "CONFIG). Precedence: command line > environment > config file > "
      "default. Secrets come only from env ",
      options.env_prefix, "<SECRET> or a file named by ", options.env_prefix,
      "<SECRET>_FILE. --helpfull lists absl's own flags too.");
}

}  // namespace

std::optional<std::string> GetEnv(absl::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

absl::string_view SourceName(Source source) {
  switch (source) {
    case Source::kDefault:
      return "default";
    case Source::kConfigFile:
      return "file";
    case Source::kEnvironment:
      return "env";
    case Source::kCommandLine:
      return "flag";
  }
  return "unknown";
}

std::string EnvName(absl::string_view flag, absl::string_view prefix) {
  std::string name = absl::StrCat(prefix, flag);
  for (char& c : name) c = (c == '-' || c == '.') ? '_' : absl::ascii_toupper(c);
  return name;
}

absl::StatusOr<std::vector<char*>> Init(int argc, char** argv, const Options& options) {
  static std::once_flag usage_once;
  std::call_once(usage_once, [&] {
    absl::SetProgramUsageMessage(InitUsage(options));
    absl::FlagsUsageConfig usage_config;
    // --help shows the program's flags; absl's own are under --helpfull.
    usage_config.contains_help_flags = [](absl::string_view file) {
      return !absl::StrContains(file, "absl/");
    };
    usage_config.contains_helpshort_flags = usage_config.contains_help_flags;
    absl::SetFlagsUsageConfig(usage_config);
  });

  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  const EnvLookup env = options.env ? options.env : EnvLookup(&GetEnv);
  const absl::flat_hash_set<std::string> on_command_line = CommandLineFlagNames(argc, argv);
  std::map<std::string, Origin> origins;
  for (const std::string& name : on_command_line) {
    origins[name] = {Source::kCommandLine, absl::StrCat("--", name)};
  }

  // The config file's own location: command line, then environment.
  absl::CommandLineFlag* config_flag = absl::FindCommandLineFlag("config");
  if (!on_command_line.contains("config")) {
    std::string env_name = EnvName("config", options.env_prefix);
    if (std::optional<std::string> value = env(env_name)) {
      if (absl::Status s = SetFlag(*config_flag, *value, env_name); !s.ok()) return s;
      origins["config"] = {Source::kEnvironment, env_name};
    }
  }
  if (std::string path = absl::GetFlag(FLAGS_config); !path.empty()) {
    if (absl::Status s = ApplyConfigFile(path, options, on_command_line, origins); !s.ok()) {
      return s;
    }
  }

  // The environment overrides the file.
  for (const std::string& name : ProgramFlagNames()) {
    if (name == "config" || on_command_line.contains(name)) continue;
    std::string env_name = EnvName(name, options.env_prefix);
    std::optional<std::string> value = env(env_name);
    if (!value.has_value()) continue;
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (absl::Status s = SetFlag(*flag, *value, absl::StrCat("env ", env_name)); !s.ok()) {
      return s;
    }
    origins[name] = {Source::kEnvironment, env_name};
  }

  State& state = GlobalState();
  std::lock_guard<std::mutex> lock(state.mu);
  state.prefix = options.env_prefix;
  state.env = env;
  state.secret_names = {options.secrets.begin(), options.secrets.end()};
  state.flag_origins = std::move(origins);
  state.secret_origins.clear();
  return positional;
}

absl::StatusOr<Secret> LoadSecret(absl::string_view name) {
  State& state = GlobalState();
  std::string prefix;
  EnvLookup env;
  Origin file_flag_origin;
  {
    std::lock_guard<std::mutex> lock(state.mu);
    prefix = state.prefix;
    env = state.env ? state.env : EnvLookup(&GetEnv);
    auto it = state.flag_origins.find(absl::StrCat(name, "_file"));
    if (it != state.flag_origins.end()) file_flag_origin = it->second;
  }
  std::string file_flag_value;
  if (auto* flag = absl::FindCommandLineFlag(absl::StrCat(name, "_file")); flag != nullptr) {
    file_flag_value = flag->CurrentValue();
  }
  const std::string env_name = EnvName(name, prefix);
  const std::string env_file_name = absl::StrCat(env_name, "_FILE");

  absl::StatusOr<Secret> secret =
      absl::NotFoundError(absl::StrCat("secret ", name, " is not set: ", SecretHint(name, prefix)));
  Origin origin;
  if (file_flag_origin.source == Source::kCommandLine && !file_flag_value.empty()) {
    secret = ReadSecretFile(name, file_flag_value);
    origin = file_flag_origin;
  } else if (std::optional<std::string> value = env(env_name)) {
    if (value->empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("secret ", name, ": env ", env_name, " is empty"));
    }
    secret = Secret(*std::move(value));
    origin = {Source::kEnvironment, env_name};
  } else if (std::optional<std::string> path = env(env_file_name); path && !path->empty()) {
    secret = ReadSecretFile(name, *path);
    origin = {Source::kEnvironment, env_file_name};
  } else if (!file_flag_value.empty()) {
    secret = ReadSecretFile(name, file_flag_value);
    origin = file_flag_origin;
    if (origin.where.empty()) origin.where = absl::StrCat("--", name, "_file default");
  }
  if (secret.ok()) {
    std::lock_guard<std::mutex> lock(state.mu);
    state.secret_origins[std::string(name)] = origin;
  }
  return secret;
}

std::vector<EffectiveValue> EffectiveConfig() {
  State& state = GlobalState();
  std::lock_guard<std::mutex> lock(state.mu);
  std::vector<EffectiveValue> out;
  for (const std::string& name : ProgramFlagNames()) {
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    EffectiveValue value{name, flag->CurrentValue(), Source::kDefault, ""};
    if (state.secret_names.contains(name) || LooksSecret(name)) {
      value.value = std::string(Secret::kRedacted);
    }
    if (auto it = state.flag_origins.find(name); it != state.flag_origins.end()) {
      value.source = it->second.source;
      value.origin = it->second.where;
    }
    out.push_back(std::move(value));
  }
  for (const auto& [name, origin] : state.secret_origins) {
    out.push_back({name, std::string(Secret::kRedacted), origin.source, origin.where});
  }
  std::sort(out.begin(), out.end(),
            [](const EffectiveValue& a, const EffectiveValue& b) { return a.name < b.name; });
  return out;
}

std::string Describe() {
  std::vector<std::string> lines;
  for (const EffectiveValue& v : EffectiveConfig()) {
    lines.push_back(absl::StrCat(v.name, "=", v.value, " (", SourceName(v.source),
                                 v.origin.empty() ? "" : " ", v.origin, ")"));
  }
  return absl::StrJoin(lines, "\n");
}

std::string ClosestMatch(absl::string_view word, const std::vector<std::string>& candidates) {
  auto distance = [](absl::string_view a, absl::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diagonal = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
        diagonal = up;
      }
    }
    return row[b.size()];
  };
  std::string best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const std::string& candidate : candidates) {
    size_t d = distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

}  // namespace ops::config
