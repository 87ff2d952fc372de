//! Every integration test, in one binary (one link, one run): modules by concern, sharing `common` (accounts on the
//! emulators, the lab fixtures, running the real `labcheck` binary, the fault-injecting proxy).

mod common;

mod action;
mod architecture;
mod aws_truth;
mod cli;
mod cohort;
mod cohort_synthetic;
mod credentials;
mod docs;
mod ec2_mocks;
mod faults;
mod inventory_mocks;
mod lab_steps;
mod lambda;
mod languages;
mod learn_page;
mod learners;
mod lti;
mod moto;
mod mutate;
mod network;
mod new_labs;
mod openapi;
mod progress;
mod provider_mocks;
mod scenarios;
mod service;
mod stores;
mod variant_lab;
mod watch;
mod wheel;
