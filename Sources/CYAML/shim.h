// libyaml's one public header. Only StepmarkLesson/YAMLDocument.swift imports this module.
#include <yaml.h>
