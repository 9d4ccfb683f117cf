"""The specimen reference library: genuine and forged documents, their features and images."""
