"""The CDK (Python) app that deploys Threshold: one stack per stage, checked offline (docs/DEPLOY.md)."""

import os

# jsii runs the CDK on the machine's node (v20 here) and prints a banner about its age on every start;
# the synth output is what matters, so the banner stays off unless a caller asks for it.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
