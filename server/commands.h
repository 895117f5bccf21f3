// The strata subcommands. Each takes the words after its name, prints its own --help,
// and returns the process exit code (0 ok, 1 failure, 2 usage error).
#pragma once

#include <string>
#include <vector>

namespace strata::server {

int RunGenerate(const std::vector<std::string>& args);  // cmd_generate.cc
int RunLoad(const std::vector<std::string>& args);      // cmd_load.cc
int RunInspect(const std::vector<std::string>& args);   // cmd_inspect.cc
int RunSql(const std::vector<std::string>& args);       // cmd_sql.cc
int RunServe(const std::vector<std::string>& args);     // cmd_serve.cc
int RunAdmin(const std::vector<std::string>& args);     // cmd_admin.cc
int RunDemo(const std::vector<std::string>& args);      // cmd_demo.cc

}  // namespace strata::server
