// The FunctionConfiguration object that ListFunctions and GetFunction return, in the shape the AWS CLI parses.
#pragma once

#include <string>

#include "emulators/lab_config.hpp"
#include "telemetry/event.hpp"
#include "telemetry/json_text.hpp"

namespace sclab::emulators::control {

std::string lambda_function_arn(const aws_account& account, const lambda_function& function);

// Writes {"FunctionName":..., "FunctionArn":..., ...} for `function`. `last_modified` is when the lab deployed
// it. Code size and hashes are derived from the function's name so the same lab file always reports the same.
void write_lambda_configuration(telemetry::json_writer& json, const aws_account& account,
                                const lambda_function& function, telemetry::time_ns last_modified);

// Lambda's LastModified spelling: 2023-01-11T15:29:45.832+0000
std::string lambda_timestamp(telemetry::time_ns t);

}  // namespace sclab::emulators::control
