print("stepmark")
