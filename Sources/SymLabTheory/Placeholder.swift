// placeholder: replaced by the theory work
