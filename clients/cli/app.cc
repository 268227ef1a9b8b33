#include "clients/cli/app.h"

#include <optional>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "clients/cli/help.h"
#include "clients/cli/tickets_commands.h"
#include "libs/config/config.h"

namespace ops::cli {
namespace {

template <typename T>
const T* FindByName(const std::vector<T>& items, absl::string_view name) {
  for (const T& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

template <typename T>
std::string DidYouMean(const std::vector<T>& items, absl::string_view name) {
  std::vector<std::string> names;
  for (const T& item : items) names.push_back(item.name);
  const std::string match = config::ClosestMatch(name, names);
  return match.empty() ? "" : absl::StrCat(" (did you mean ", match, "?)");
}

// Flags first, then OPS_* environment, then defaults. INVALID_ARGUMENT for bad values.
absl::StatusOr<GlobalOptions> ResolveGlobals(const ParsedArgs& args, const Context& ctx) {
  auto env = [&](absl::string_view name) -> std::string {
    std::optional<std::string> value = ctx.env ? ctx.env(name) : std::nullopt;
    return value.value_or("");
  };
  GlobalOptions g;
  g.tickets_addr = args.Get("tickets_addr", env(config::EnvName("tickets_addr", "OPS_")));
  if (g.tickets_addr.empty()) g.tickets_addr = kDefaultTicketsAddr;

  const std::string timeout = args.Get("timeout", "5s");
  if (!absl::ParseDuration(timeout, &g.timeout) || g.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad --timeout \"", timeout, "\" (want a positive duration such as 5s)"));
  }
  const std::string output = args.Get("output", "table");
  if (output == "json") {
    g.output = OutputFormat::kJson;
  } else if (output != "table") {
    return absl::InvalidArgumentError(
        absl::StrCat("bad --output \"", output, "\" (want table or json)"));
  }
  const std::string color = args.Get("color", "auto");
  if (color == "always") {
    g.color = true;
  } else if (color == "auto") {
    // https://no-color.org: any non-empty NO_COLOR turns colour off.
    g.color = ctx.out_is_tty && env("NO_COLOR").empty() && env("TERM") != "dumb";
  } else if (color != "never") {
    return absl::InvalidArgumentError(
        absl::StrCat("bad --color \"", color, "\" (want auto, always or never)"));
  }
  return g;
}

// Values of `earlier` then `later` (so the last one given wins), positionals and rest of
// `later`, help if either asked for it.
ParsedArgs Combine(const ParsedArgs& earlier, const ParsedArgs& later) {
  ParsedArgs out = later;
  for (const auto& [name, values] : earlier.values) {
    auto& dst = out.values[name];
    dst.insert(dst.begin(), values.begin(), values.end());
  }
  out.help = earlier.help || later.help;
  return out;
}

int RunCommand(const CommandGroup& group, const CommandSpec& command,
               const std::vector<std::string>& tokens, const ParsedArgs& globals, Context& ctx) {
  const std::vector<OptionSpec> global_specs = GlobalOptionSpecs();
  std::vector<OptionSpec> specs = command.options;
  specs.insert(specs.end(), global_specs.begin(), global_specs.end());
  Invocation inv;
  inv.ctx = &ctx;
  inv.path = absl::StrCat("operator ", group.name, " ", command.name);
  inv.usage = CommandUsage(group, command);

  absl::StatusOr<ParsedArgs> parsed = ParseArgs(tokens, specs);
  if (!parsed.ok()) return inv.UsageError(parsed.status().message());
  parsed = Combine(globals, *parsed);
  if (parsed->help) {
    *ctx.out << CommandHelp(group, command, global_specs);
    return kExitOk;
  }
  const size_t n = parsed->positionals.size();
  if (n < command.min_args) {
    return inv.UsageError(absl::StrCat("missing ", command.args_usage));
  }
  if (n > command.max_args) {
    return inv.UsageError(
        absl::StrCat("unexpected argument \"", parsed->positionals[command.max_args], "\""));
  }
  absl::StatusOr<GlobalOptions> global = ResolveGlobals(*parsed, ctx);
  if (!global.ok()) return inv.UsageError(global.status().message());
  inv.global = *std::move(global);
  inv.args = *std::move(parsed);
  return command.run(inv);
}

}  // namespace

std::vector<CommandGroup> CommandGroups() { return {TicketsCommandGroup()}; }

std::vector<OptionSpec> GlobalOptionSpecs() {
  return {
      {"tickets_addr", "HOST:PORT",
       absl::StrCat("Address of the tickets service. Default: $OPS_TICKETS_ADDR if set, else ",
                    kDefaultTicketsAddr, ".")},
      {"timeout", "DURATION",
       "Deadline of each request to a service, e.g. 5s, 500ms, 1m. Default 5s. (Streams such as "
       "watch have none.)"},
      {"output", "FORMAT",
       "table (default): aligned text for people. json: protobuf JSON for scripts (one object, "
       "or {\"tickets\": [...]} for lists, or one object per line for watch).",
       'o'},
      {"color", "WHEN",
       "auto (default): colour severities and statuses when stdout is a terminal and NO_COLOR "
       "is unset; always; never."},
  };
}

int Run(const std::vector<std::string>& args, Context& ctx) {
  return Run(args, ctx, CommandGroups());
}

int Run(const std::vector<std::string>& args, Context& ctx,
        const std::vector<CommandGroup>& groups) {
  const std::vector<OptionSpec> global_specs = GlobalOptionSpecs();
  auto usage_error = [&](absl::string_view message, const std::string& usage) {
    *ctx.err << "operator: " << message << "\n\n" << usage;
    return kExitUsage;
  };

  // Global options may come before the group and between group and command.
  absl::StatusOr<ParsedArgs> head = ParseArgs(args, global_specs, /*stop_at_positional=*/true);
  if (!head.ok()) return usage_error(head.status().message(), MainUsage(groups));
  if (head->rest.empty()) {
    if (head->help) {
      *ctx.out << MainHelp(groups, global_specs);
      return kExitOk;
    }
    return usage_error("missing command group", MainUsage(groups));
  }
  const std::string& group_name = head->rest[0];
  const CommandGroup* group = FindByName(groups, group_name);
  if (group == nullptr) {
    return usage_error(
        absl::StrCat("unknown command group \"", group_name, "\"", DidYouMean(groups, group_name)),
        MainUsage(groups));
  }
  const std::vector<std::string> after_group(head->rest.begin() + 1, head->rest.end());
  if (!group->default_command.empty() &&
      (after_group.empty() || FindByName(group->commands, after_group[0]) == nullptr)) {
    // `operator status [options]`: no command named, so the default one gets every token.
    const CommandSpec* command = FindByName(group->commands, group->default_command);
    if (command != nullptr) return RunCommand(*group, *command, after_group, *head, ctx);
  }
  absl::StatusOr<ParsedArgs> mid = ParseArgs(after_group, global_specs, true);
  if (!mid.ok()) return usage_error(mid.status().message(), GroupUsage(*group));
  const ParsedArgs globals = Combine(*head, *mid);
  if (mid->rest.empty()) {
    if (globals.help) {
      *ctx.out << GroupHelp(*group, global_specs);
      return kExitOk;
    }
    return usage_error(absl::StrCat("missing command after \"", group->name, "\""),
                       GroupUsage(*group));
  }
  const std::string& command_name = mid->rest[0];
  const CommandSpec* command = FindByName(group->commands, command_name);
  if (command == nullptr) {
    return usage_error(absl::StrCat("unknown command \"", group->name, " ", command_name, "\"",
                                    DidYouMean(group->commands, command_name)),
                       GroupUsage(*group));
  }
  return RunCommand(*group, *command, {mid->rest.begin() + 1, mid->rest.end()}, globals, ctx);
}

int Invocation::UsageError(absl::string_view message) const {
  err() << path << ": " << message << "\n\n" << usage;
  return kExitUsage;
}

bool Invocation::Wait(absl::Duration d) const {
  if (ctx->wait) return ctx->wait(d);
  return !ctx->interrupt->WaitFor(d);
}

}  // namespace ops::cli
